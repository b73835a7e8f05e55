#include "cli.hpp"

#include <core/bundle/input.hpp>
#include <core/check/config.hpp>
#include <core/check/registry.hpp>
#include <core/util/error.hpp>
#include <core/version.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace cva::cmd {

bool use_color(int fd)
{
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') {
    return false;
  }
  return ::isatty(fd) == 1;
}

Snapshot load_snapshot(const std::vector<std::string>& inputs, const std::string& manifest_namespace,
                       std::string* top_dir)
{
  ManifestOptions manifest_options;
  manifest_options.default_namespace = manifest_namespace;
  auto input = load_inputs(inputs, {}, manifest_options);
  if (!input) {
    throw Fatal(input.error().message);
  }
  if (top_dir != nullptr) {
    *top_dir = input->top_dir;
  }
  auto snapshot = Snapshot::build(std::move(*input));
  if (!snapshot) {
    throw Fatal(snapshot.error().message);
  }
  return std::move(*snapshot);
}

std::vector<std::string> split_ids(const std::vector<std::string>& values)
{
  std::vector<std::string> out;
  for (const std::string& v : values) {
    std::size_t start = 0;
    while (start <= v.size()) {
      const std::size_t comma = std::min(v.find(',', start), v.size());
      std::string id = v.substr(start, comma - start);
      id.erase(0, id.find_first_not_of(' '));
      id.erase(id.find_last_not_of(' ') + 1);
      if (!id.empty()) {
        out.push_back(id);
      }
      start = comma + 1;
    }
  }
  return out;
}

void add_check_selection(CLI::App* sub, Invocation& inv, CheckSelection& selection)
{
  complete_option(inv, sub->add_option("--only", selection.only, "Run only these check ids (comma-separated, repeatable)"),
                  check_ids(), true);
  complete_option(inv, sub->add_option("--skip", selection.skip, "Skip these check ids (comma-separated, repeatable)"),
                  check_ids(), true);
  sub->add_option("--config", selection.config,
                  "YAML file: disable checks, override severities, set users/tier, exempt objects (see README)");
}

RunOptions run_options_for(const CheckSelection& selection)
{
  Config config;
  if (!selection.config.empty()) {
    auto loaded = load_config(selection.config);
    if (!loaded) {
      throw Fatal(loaded.error().message, k_exit_usage);
    }
    config = std::move(*loaded);
  }
  RunOptions run;
  apply_config(config, run);
  run.only = split_ids(selection.only);
  for (std::string& id : split_ids(selection.skip)) {
    run.skip.push_back(std::move(id));
  }
  if (auto valid = validate_run_options(run); !valid) {
    throw Fatal(valid.error().message, k_exit_usage);
  }
  return run;
}

CLI::Option* add_choice_option(CLI::App* sub, Invocation& inv, const std::string& name, std::string& value,
                               const std::vector<std::string>& choices, const std::string& description)
{
  CLI::Option* option = sub->add_option(name, value, description)->check(CLI::IsMember(choices));
  complete_option(inv, option, choices);
  return option;
}

void complete_option(Invocation& inv, const CLI::Option* option, std::vector<std::string> values, bool comma_list)
{
  inv.completions[option] = ValueCompletion{std::move(values), comma_list};
}

std::vector<std::string> check_ids()
{
  std::vector<std::string> ids;
  for (const CheckInfo& info : checks()) {
    ids.emplace_back(info.id);
  }
  return ids;
}

int cli_main(int argc, char** argv)
{
  Invocation inv;
  const std::string argv0 = argc > 0 ? argv[0] : "kubectl-coder_cva";
  const std::string base = argv0.substr(argv0.find_last_of('/') + 1);
  inv.program = base.starts_with("kubectl-") ? "kubectl coder-cva" : base;

  CLI::App app{"Check a Coder deployment on Kubernetes against Coder's Validated Architecture: "
               "analyze archives, manifests or support bundles offline.",
               inv.program};
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer(fmt::format("Run `{} <command> --help` for a command's options and examples.", inv.program));
  setup_analyze(app, inv);
  setup_checks(app, inv);
  setup_collect(app, inv);
  setup_completion(app, inv);
  setup_netpol(app, inv);
  setup_serve(app, inv);
  setup_usage(app, inv);
  setup_version(app, inv);

  // Completion words are raw: they may be half-typed options that the parser would reject.
  if (argc > 1 && std::string_view(argv[1]) == "__complete") {
    return run_complete(app, inv, std::vector<std::string>(argv + 2, argv + argc));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << fmt::format("kubectl-coder_cva: error: {}\n", e.what());
    return k_exit_usage;
  } catch (const Fatal& e) {
    std::cerr << fmt::format("kubectl-coder_cva: error: {}\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << fmt::format("kubectl-coder_cva: error: {}\n", e.what());
    return k_exit_runtime_error;
  }
  return inv.exit_code;
}

} // namespace cva::cmd
