#pragma once

#include <core/model/snapshot.hpp>

#include <CLI/CLI.hpp>

#include <string>

namespace cva::cmd {

// The command-line entry point: parses `argv`, runs the chosen subcommand and turns errors into
// one line on stderr and an exit code (see core/util/error.hpp).
int cli_main(int argc, char** argv);

// Shared state of one invocation, set by subcommand callbacks.
struct Invocation
{
  int exit_code = 0;
  std::string program; // "kubectl coder-cva" or the binary name, for help and examples
};

// One setup function per subcommand (one file each): adds the subcommand to `app` and binds its
// options; the callback runs it and stores its exit code in `inv`.
void setup_analyze(CLI::App& app, Invocation& inv);
void setup_checks(CLI::App& app, Invocation& inv);
void setup_collect(CLI::App& app, Invocation& inv);
void setup_serve(CLI::App& app, Invocation& inv);
void setup_version(CLI::App& app, Invocation& inv);

// True when `stream` (1 or 2) is a terminal and NO_COLOR is unset or empty.
bool use_color(int fd);

// Reads INPUT arguments as `analyze` does (manifests naming no namespace get
// `manifest_namespace`) and builds the snapshot; throws Fatal with the reader's one-line error.
// `top_dir`, when given, receives the archive's single top directory (or "").
Snapshot load_snapshot(const std::vector<std::string>& inputs, const std::string& manifest_namespace,
                       std::string* top_dir = nullptr);

// Splits comma-separated values of repeatable options (`--only a,b --only c`).
std::vector<std::string> split_ids(const std::vector<std::string>& values);

} // namespace cva::cmd
