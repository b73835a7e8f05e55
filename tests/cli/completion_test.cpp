#include <core/check/registry.hpp>
#include <core/util/json.hpp>
#include <tests/support/support.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>

using namespace cva;
using namespace cva::test;
namespace fs = std::filesystem;

namespace {

struct Candidates
{
  std::vector<std::string> values; // without descriptions
  int directive = -1;
};

Candidates complete(const std::vector<std::string>& words)
{
  std::vector<std::string> args{"__complete"};
  args.insert(args.end(), words.begin(), words.end());
  const CommandResult r = run_cli(args);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Candidates c;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const std::size_t end = r.out.find('\n', start);
    const std::string line = r.out.substr(start, end - start);
    start = end == std::string::npos ? r.out.size() : end + 1;
    if (line.starts_with(":")) {
      c.directive = std::stoi(line.substr(1));
    } else {
      c.values.push_back(line.substr(0, line.find('\t')));
    }
  }
  REQUIRE_MESSAGE(r.out.ends_with("\n"), r.out);
  return c;
}

bool contains(const std::vector<std::string>& v, std::string_view x)
{
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A directory to put on PATH holding the plugin as kubectl sees it (kubectl-coder_cva) and the
// helper `completion kubectl` prints (kubectl_complete-coder_cva).
void install_plugin(const TempDir& dir)
{
  fs::create_directories(dir / "bin");
  fs::create_symlink(CVA_CLI, dir / "bin" / "kubectl-coder_cva");
  const CommandResult shim = run_cli({"completion", "kubectl"});
  REQUIRE(shim.exit_code == 0);
  CHECK(shim.out.starts_with("#!/bin/sh\n"));
  write_text(dir / "bin" / "kubectl_complete-coder_cva", shim.out);
  fs::permissions(dir / "bin" / "kubectl_complete-coder_cva", fs::perms::owner_all | fs::perms::group_read |
                                                                 fs::perms::group_exec);
}

std::string path_with(const TempDir& dir)
{
  const char* path = std::getenv("PATH");
  return "PATH=" + (dir / "bin").string() + ":" + (path == nullptr ? "" : path);
}

std::vector<std::string> lines_of(const std::string& text)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

} // namespace

TEST_CASE("cli: __complete offers subcommands, flags, output formats and check ids")
{
  Candidates c = complete({""});
  CHECK(c.values == std::vector<std::string>{"analyze", "checks", "collect", "completion", "netpol", "serve", "version"});
  CHECK(c.directive == 4);
  CHECK(complete({"ch"}).values == std::vector<std::string>{"checks"});

  c = complete({"analyze", "--o"});
  CHECK(c.values == std::vector<std::string>{"--output", "--only"});
  c = complete({"analyze", "-"});
  for (const char* flag : {"--help", "-h", "--output", "-o", "--fail-on", "--only", "--skip", "--namespace", "-n"}) {
    CAPTURE(flag);
    CHECK(contains(c.values, flag));
  }

  c = complete({"analyze", "bundle.tar.gz", "-o", ""});
  CHECK(c.values == std::vector<std::string>{"text", "json", "yaml", "markdown", "html", "sarif", "junit"});
  CHECK(c.directive == 4);
  CHECK(complete({"analyze", "--output=j"}).values == std::vector<std::string>{"--output=json", "--output=junit"});
  CHECK(complete({"analyze", "--fail-on", "n"}).values == std::vector<std::string>{"never"});
  CHECK(complete({"checks", "-o", ""}).values == std::vector<std::string>{"markdown", "json"});
  CHECK(complete({"completion", ""}).values == std::vector<std::string>{"bash", "zsh", "fish", "kubectl"});

  std::vector<std::string> ids;
  for (const CheckInfo& info : checks()) {
    ids.emplace_back(info.id);
  }
  REQUIRE(ids.size() >= 5);
  c = complete({"analyze", "--only", ""});
  CHECK(c.values == ids);
  CHECK(c.directive == 6); // no space: another id may follow a comma
  c = complete({"analyze", "--skip", ids[0] + ","});
  CHECK(c.values.size() == ids.size() - 1);
  CHECK_FALSE(contains(c.values, ids[0] + "," + ids[0]));
  CHECK(contains(c.values, ids[0] + "," + ids[1]));

  // INPUT is a file name: no candidates, and the shell completes files (directive 0).
  c = complete({"analyze", ""});
  CHECK(c.values.empty());
  CHECK(c.directive == 0);
  // Half-typed, unknown or value-less options never make it fail.
  CHECK(complete({"analyze", "--bogus", ""}).directive == 0);
  CHECK(complete({"analyze", "--help=x"}).values.empty());
  CHECK(complete({"nosuch", ""}).values.empty());
  CHECK(complete({"__usage-markdown"}).values.empty()); // hidden commands are never offered
}

TEST_CASE("cli: the bash completion script completes in real bash")
{
  TempDir dir;
  install_plugin(dir);
  const CommandResult script = run_cli({"completion", "bash"});
  REQUIRE(script.exit_code == 0);
  write_text(dir / "completion.bash", script.out);
  const std::string driver = fmt::format(R"sh(
source {}
complete -p kubectl-coder_cva
comp() {{ COMP_LINE="$1"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=(); _kubectl_coder_cva 2>/dev/null; echo "[$1] ${{COMPREPLY[*]}}"; }}
comp "kubectl-coder_cva "
comp "kubectl-coder_cva an"
comp "kubectl-coder_cva analyze b.tar.gz -o "
comp "kubectl-coder_cva analyze --output=ma"
comp "kubectl-coder_cva analyze --only coderd-replicas,control-plane-a"
comp "kubectl-coder_cva completion f"
)sh",
                                         (dir / "completion.bash").string());
  const CommandResult r = run_command({"bash", "--norc", "--noprofile", "-c", driver}, {}, {path_with(dir)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0] == "complete -o default -F _kubectl_coder_cva kubectl-coder_cva");
  CHECK(lines[1] == "[kubectl-coder_cva ] analyze checks collect completion netpol serve version");
  CHECK(lines[2] == "[kubectl-coder_cva an] analyze");
  CHECK(lines[3] == "[kubectl-coder_cva analyze b.tar.gz -o ] text json yaml markdown html sarif junit");
  // bash splits words at '=', so the candidate replaces only what follows it.
  CHECK(lines[4] == "[kubectl-coder_cva analyze --output=ma] markdown");
  CHECK(lines[5] == "[kubectl-coder_cva analyze --only coderd-replicas,control-plane-a] "
                    "coderd-replicas,control-plane-autoscaled-nodes");
  CHECK(lines[6] == "[kubectl-coder_cva completion f] fish");
}

TEST_CASE("cli: kubectl coder-cva <TAB> completes through kubectl's plugin completion")
{
  const fs::path kubectl = find_program("kubectl");
  if (kubectl.empty()) {
    MESSAGE("kubectl is not installed: plugin completion not exercised");
    return;
  }
  const auto version = parse_json(run_command({kubectl.string(), "version", "--client", "-o", "json"}).out, "version");
  const std::string minor = version ? json_string(json_path(*version, {"clientVersion"}), "minor") : "";
  if (minor.empty() || std::stoi(minor) < 26) {
    MESSAGE("kubectl " << minor << " predates plugin completion (1.26): not exercised");
    return;
  }
  TempDir dir;
  install_plugin(dir);
  // kubectl finds the plugin and runs kubectl_complete-coder_cva from PATH (kubectl 1.26+).
  CommandResult r = run_command({kubectl.string(), "__complete", "coder-cva", "an"}, {}, {path_with(dir)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.starts_with("analyze\t"));
  CHECK(r.out.find("\n:4\n") != std::string::npos);
  r = run_command({kubectl.string(), "__complete", "coder-cva", "analyze", "--fail-on", ""}, {}, {path_with(dir)});
  CHECK(r.out.starts_with("warn\nfail\nnever\n:4\n"));

  // The whole path a user's <TAB> takes: kubectl's bash completion (which needs bash-completion).
  const fs::path bash_completion = "/usr/share/bash-completion/bash_completion";
  if (!fs::exists(bash_completion)) {
    MESSAGE("bash-completion is not installed: kubectl's bash completion not exercised");
    return;
  }
  const std::string driver = fmt::format(R"sh(
source {}
source <({} completion bash)
comp() {{
  COMP_LINE="$1"; COMP_POINT=${{#COMP_LINE}}; read -r -a COMP_WORDS <<<"$COMP_LINE"
  [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMPREPLY=()
  __start_kubectl kubectl 2>/dev/null
  echo "[$1] ${{COMPREPLY[*]}}"
}}
comp "kubectl coder-cva "
comp "kubectl coder-cva analyze -o s"
comp "kubectl coder-cva analyze --skip workspace-h"
)sh",
                                         bash_completion.string(), kubectl.string());
  r = run_command({"bash", "--norc", "--noprofile", "-c", driver}, {}, {path_with(dir)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "[kubectl coder-cva ] analyze checks collect completion netpol serve version");
  CHECK(lines[1] == "[kubectl coder-cva analyze -o s] sarif");
  CHECK(lines[2] == "[kubectl coder-cva analyze --skip workspace-h] workspace-host-volumes");
}

TEST_CASE("cli: the zsh completion script completes in an interactive zsh")
{
  const fs::path zsh = find_program("zsh");
  if (zsh.empty()) {
    MESSAGE("zsh is not installed: zsh completion not exercised");
    return;
  }
  TempDir dir;
  install_plugin(dir);
  const CommandResult script = run_cli({"completion", "zsh"});
  REQUIRE(script.exit_code == 0);
  write_text(dir / "completion.zsh", script.out);
  write_text(dir / "zdot" / ".zshrc", fmt::format("autoload -Uz compinit && compinit -u -D\nsource {}\nPS1='READY> '\n",
                                                  (dir / "completion.zsh").string()));
  // A real interactive zsh on a pseudo-terminal (zpty): type a half word and TAB, read the line
  // back once the completion system has filled it in.
  const std::string driver = fmt::format(R"zsh(
zmodload zsh/zpty
zpty z "env ZDOTDIR={} TERM=dumb {} -i"
zpty -r -m z line '*READY> *' || exit 3
zpty -w -n z $'kubectl-coder_cva analyze -o ma\t'
zpty -r -m z line '*markdown*' || exit 4
zpty -w -n z $'\C-u'
zpty -w -n z $'kubectl-coder_cva anal\t'
zpty -r -m z line '*analyze*' || exit 5
print -r -- OK
zpty -d z
)zsh",
                                         (dir / "zdot").string(), zsh.string());
  const CommandResult r =
    run_command({"timeout", "120", zsh.string(), "-f", "-c", driver}, {}, {path_with(dir)});
  CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
  CHECK(r.out.find("OK") != std::string::npos);
}

TEST_CASE("cli: the fish completion script completes in real fish")
{
  const fs::path fish = find_program("fish");
  if (fish.empty()) {
    MESSAGE("fish is not installed: fish completion not exercised");
    return;
  }
  TempDir dir;
  install_plugin(dir);
  const CommandResult script = run_cli({"completion", "fish"});
  REQUIRE(script.exit_code == 0);
  write_text(dir / "completion.fish", script.out);
  write_text(dir / "bundle-a.tar.gz", "x");
  const std::string driver = fmt::format(
    "source {}; complete -C 'kubectl-coder_cva an'; echo --; complete -C 'kubectl-coder_cva analyze -o ht'; echo --; "
    "complete -C 'kubectl-coder_cva analyze --only coderd-replicas,workspace-h'; echo --; "
    "complete -C 'kubectl-coder_cva analyze {}/bundle-'",
    (dir / "completion.fish").string(), dir.path().string());
  const CommandResult r = run_command({fish.string(), "--no-config", "-c", driver}, {}, {path_with(dir)});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].starts_with("analyze\tAnalyze"));
  CHECK(lines[2] == "html");
  CHECK(lines[4] == "coderd-replicas,workspace-host-volumes");
  // No candidates for INPUT: fish falls back to file names.
  CHECK(lines[6] == (dir / "bundle-a.tar.gz").string());
}
