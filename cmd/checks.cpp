#include <cmd/cli.hpp>
#include <core/report/render.hpp>
#include <core/util/error.hpp>

#include <iostream>
#include <memory>

namespace cva::cmd {

namespace {
struct ChecksOptions
{
  std::string output = "markdown";
};
} // namespace

void setup_checks(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<ChecksOptions>();
  CLI::App* sub = app.add_subcommand("checks", "List the check catalogue");
  add_choice_option(sub, inv, "-o,--output", opt->output, {"markdown", "json"}, "Output format")
    ->default_str("markdown");
  sub->footer("Examples:\n  " + inv.program + " checks\n  " + inv.program +
              " checks -o json | jq -r '.checks[].id'");
  sub->callback([opt, &inv] {
    if (opt->output == "json") {
      std::cout << to_pretty_json(catalogue_to_json());
    } else {
      std::cout << render_catalogue_markdown();
    }
    inv.exit_code = 0;
  });
}

} // namespace cva::cmd
