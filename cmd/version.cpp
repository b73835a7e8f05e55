#include <cmd/cli.hpp>
#include <core/version.hpp>

#include <fmt/format.h>

#include <iostream>

namespace cva::cmd {

void setup_version(CLI::App& app, Invocation& inv)
{
  CLI::App* sub = app.add_subcommand("version", "Print the version");
  sub->footer("Examples:\n  " + inv.program + " version");
  sub->callback([&inv] {
    std::cout << fmt::format("kubectl-coder_cva {}\n", k_version);
    inv.exit_code = 0;
  });
}

} // namespace cva::cmd
