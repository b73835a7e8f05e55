#include <tests/support/support.hpp>

#include <doctest/doctest.h>

using namespace cva::test;

TEST_CASE("cli: every subcommand prints --help with examples")
{
  const CommandResult list = run_cli({"__complete", ""});
  REQUIRE(list.exit_code == 0);
  std::vector<std::string> subcommands;
  std::size_t start = 0;
  while (start < list.out.size()) {
    const std::size_t end = list.out.find('\n', start);
    const std::string line = list.out.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with(":")) {
      subcommands.push_back(line.substr(0, line.find('\t')));
    }
  }
  REQUIRE(subcommands.size() >= 4);
  for (const std::string& sub : subcommands) {
    CAPTURE(sub);
    const CommandResult r = run_cli({sub, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: kubectl coder-cva " + sub) != std::string::npos);
    CHECK(r.out.find("Examples:\n  kubectl coder-cva " + sub) != std::string::npos);
  }
  const CommandResult root = run_cli({"--help"});
  CHECK(root.exit_code == 0);
  CHECK(root.out.find("Usage: kubectl coder-cva [OPTIONS] SUBCOMMAND") != std::string::npos);
  CHECK(root.out.find("__complete") == std::string::npos);
  CHECK(root.out.find("__usage-markdown") == std::string::npos);
}

TEST_CASE("cli: docs/usage.md is the generated help of every command")
{
  const CommandResult r = run_cli({"__usage-markdown"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("## kubectl coder-cva analyze\n") != std::string::npos);
  CHECK(r.out.find("-o,--output TEXT:{text,json,yaml,markdown,html,sarif,junit}=text") != std::string::npos);
  const std::string committed = read_text(source_dir() / "docs" / "usage.md");
  CHECK_MESSAGE(committed == r.out,
                "docs/usage.md is stale: regenerate it with build/cmd/kubectl-coder_cva __usage-markdown > docs/usage.md");
}
