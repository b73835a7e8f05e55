#pragma once

#include <core/check/runner.hpp>
#include <core/model/snapshot.hpp>

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace cva::cmd {

// The command-line entry point: parses `argv`, runs the chosen subcommand and turns errors into
// one line on stderr and an exit code (see core/util/error.hpp).
int cli_main(int argc, char** argv);

// What shell completion offers for an option's value (or a positional argument).
struct ValueCompletion
{
  std::vector<std::string> values; // empty: nothing to offer, and no file names either
  bool comma_list = false;         // the value is a comma-separated list of these (`--only a,b`)
};

// Shared state of one invocation, set by subcommand callbacks.
struct Invocation
{
  int exit_code = 0;
  std::string program; // "kubectl coder-cva" or the binary name, for help and examples
  // Completion of option values, by option; options not listed complete file names.
  std::map<const CLI::Option*, ValueCompletion> completions;
};

// One setup function per subcommand (one file each): adds the subcommand to `app` and binds its
// options; the callback runs it and stores its exit code in `inv`.
void setup_analyze(CLI::App& app, Invocation& inv);
void setup_checks(CLI::App& app, Invocation& inv);
void setup_collect(CLI::App& app, Invocation& inv);
void setup_serve(CLI::App& app, Invocation& inv);
void setup_netpol(CLI::App& app, Invocation& inv);
void setup_completion(CLI::App& app, Invocation& inv);
void setup_usage(CLI::App& app, Invocation& inv);
void setup_version(CLI::App& app, Invocation& inv);

// The hidden `__complete` protocol (Cobra's, which kubectl uses for plugins): `words` are the
// arguments typed after the program, the last being the word under the cursor (maybe empty).
// Prints the candidates for that word, one per line (`candidate<TAB>description`), then
// `:<directive>` (Cobra's ShellCompDirective bits: 2 no space, 4 no file completion). Returns 0.
int run_complete(const CLI::App& app, const Invocation& inv, const std::vector<std::string>& words);

// Adds option `name` to `sub` whose value must be one of `choices`; completion offers them.
CLI::Option* add_choice_option(CLI::App* sub, Invocation& inv, const std::string& name, std::string& value,
                               const std::vector<std::string>& choices, const std::string& description);

// Makes completion offer `values` for `option` (comma-separated lists when `comma_list`).
void complete_option(Invocation& inv, const CLI::Option* option, std::vector<std::string> values,
                     bool comma_list = false);

// The ids of every registered check, for `--only` and `--skip` completion.
std::vector<std::string> check_ids();

// True when `stream` (1 or 2) is a terminal and NO_COLOR is unset or empty.
bool use_color(int fd);

// Reads INPUT arguments as `analyze` does (manifests naming no namespace get
// `manifest_namespace`) and builds the snapshot; throws Fatal with the reader's one-line error.
// `top_dir`, when given, receives the archive's single top directory (or "").
Snapshot load_snapshot(const std::vector<std::string>& inputs, const std::string& manifest_namespace,
                       std::string* top_dir = nullptr);

// Splits comma-separated values of repeatable options (`--only a,b --only c`).
std::vector<std::string> split_ids(const std::vector<std::string>& values);

// Which checks run and how they are judged, as `analyze` and `collect` take it.
struct CheckSelection
{
  std::vector<std::string> only;
  std::vector<std::string> skip;
  std::string config; // --config FILE
};

// Adds --only, --skip (completing check ids) and --config to `sub`.
void add_check_selection(CLI::App* sub, Invocation& inv, CheckSelection& selection);

// Reads --config and applies --only and --skip on top of it; throws a usage Fatal naming the file
// or the id when either is bad, so a command can refuse before it does any work.
RunOptions run_options_for(const CheckSelection& selection);

} // namespace cva::cmd
