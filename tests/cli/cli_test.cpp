#include <core/util/json.hpp>
#include <core/util/yaml.hpp>
#include <core/version.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

#include <cstdlib>

using namespace cva;
using cva::test::run_cli;

namespace {

std::string sample(const char* name)
{
  return test::sample_archive(name).string();
}

// The report without what depends on where and with which build it ran.
Json normalized(Json report)
{
  report["input"]["origins"] = Json::array({"<sample>"});
  report["tool"]["version"] = "<version>";
  return report;
}

void check_golden(const char* name)
{
  const auto r = run_cli({"analyze", sample(name), "-o", "json", "--fail-on", "never"});
  REQUIRE(r.exit_code == 0);
  const std::string actual = to_pretty_json(normalized(Json::parse(r.out)));
  const auto golden = test::source_dir() / "tests/golden" / (std::string(name) + ".json");
  const char* update = std::getenv("CVA_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    test::write_text(golden, actual);
  }
  REQUIRE_MESSAGE(std::filesystem::exists(golden), "missing golden file; run with CVA_UPDATE_GOLDEN=1");
  CHECK_MESSAGE(actual == test::read_text(golden),
                "analyze -o json of the " << name << " sample differs from " << golden.string()
                                          << "; review the change and run with CVA_UPDATE_GOLDEN=1 to accept it");
}

bool one_line(const std::string& s)
{
  return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1;
}

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE("cli: version")
  {
    const auto r = run_cli({"version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "kubectl-coder_cva " + std::string(k_version) + "\n");
  }

  TEST_CASE("cli: golden JSON reports of both samples")
  {
    check_golden("incident");
    check_golden("compliant");
  }

  TEST_CASE("cli: exit codes follow --fail-on")
  {
    CHECK(run_cli({"analyze", sample("incident")}).exit_code == 3);
    CHECK(run_cli({"analyze", sample("incident"), "--fail-on", "fail"}).exit_code == 3);
    CHECK(run_cli({"analyze", sample("incident"), "--fail-on", "never"}).exit_code == 0);
    CHECK(run_cli({"analyze", sample("compliant")}).exit_code == 0);
    // --only narrows the run: a warn-only check trips --fail-on warn but not fail.
    CHECK(run_cli({"analyze", sample("incident"), "--only", "control-plane-host-volumes"}).exit_code == 0);
    CHECK(run_cli({"analyze", sample("incident"), "--only", "control-plane-host-volumes", "--fail-on", "warn"}).exit_code == 3);
  }

  TEST_CASE("cli: --only and --skip select checks; unknown ids are usage errors")
  {
    const auto only = run_cli({"analyze", sample("incident"), "-o", "json", "--only", "coderd-replicas,workspace-host-volumes"});
    const Json j = Json::parse(only.out);
    REQUIRE(j["checks"].size() == 2);
    const auto skip = run_cli({"analyze", sample("incident"), "-o", "json", "--skip", "coderd-replicas"});
    const Json skipped = Json::parse(skip.out);
    for (const Json& c : skipped.at("checks")) {
      CHECK(c["id"] != "coderd-replicas");
    }
    const auto bad = run_cli({"analyze", sample("incident"), "--only", "no-such-check"});
    CHECK(bad.exit_code == 2);
    CHECK(one_line(bad.err));
    CHECK(bad.err.find("no-such-check") != std::string::npos);
    CHECK(bad.out.empty());
  }

  TEST_CASE("cli: usage errors exit 2 with one line")
  {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"analyze"}, {"analyze", sample("incident"), "-o", "pdf"}, {"analyze", sample("incident"), "--frobnicate"}, {"nonsense"}, {}}) {
      const auto r = run_cli(args);
      CHECK(r.exit_code == 2);
      CHECK(one_line(r.err));
    }
  }

  TEST_CASE("cli: hostile or unreadable input exits 1 with one line naming it")
  {
    test::TempDir dir;
    test::write_raw_archive(dir / "evil.tar.gz", {{"b/../../x", test::RawEntry::Type::file, "x"}});
    const auto r = run_cli({"analyze", (dir / "evil.tar.gz").string()});
    CHECK(r.exit_code == 1);
    CHECK(one_line(r.err));
    CHECK(r.err.find("evil.tar.gz") != std::string::npos);
    CHECK(r.out.empty());
    const auto missing = run_cli({"analyze", (dir / "nope.tar.gz").string()});
    CHECK(missing.exit_code == 1);
    CHECK(one_line(missing.err));
  }

  TEST_CASE("cli: the JSON report carries the documented fields")
  {
    const Json j = Json::parse(run_cli({"analyze", sample("incident"), "-o", "json"}).out);
    CHECK(j["report_version"] == 1);
    CHECK(j["input"]["format"] == "coder-cva");
    CHECK(j["input"]["collected_at"] == "2026-11-20T09:12:00Z");
    REQUIRE(j["checks"].is_array());
    for (const Json& c : j["checks"]) {
      for (const char* key : {"id", "area", "title", "outcome", "remediation", "doc_url", "findings"}) {
        CHECK_MESSAGE(c.contains(key), key);
      }
      for (const Json& f : c["findings"]) {
        for (const char* key : {"outcome", "message", "objects", "evidence"}) {
          CHECK_MESSAGE(f.contains(key), key);
        }
        for (const Json& o : f["objects"]) {
          CHECK(o.contains("kind"));
          CHECK(o.contains("namespace"));
          CHECK(o.contains("name"));
        }
      }
    }
  }

  TEST_CASE("cli: YAML output holds the same report as JSON")
  {
    const Json j = Json::parse(run_cli({"analyze", sample("compliant"), "-o", "json"}).out);
    const auto yaml = run_cli({"analyze", sample("compliant"), "-o", "yaml"});
    auto docs = parse_yaml_documents(yaml.out, "report.yaml");
    REQUIRE(docs.has_value());
    REQUIRE(docs->size() == 1);
    CHECK((*docs)[0] == j);
  }

  TEST_CASE("cli: text output is grouped by area and uncoloured off a terminal")
  {
    const auto r = run_cli({"analyze", sample("incident")});
    CHECK(r.out.find('\033') == std::string::npos);
    const auto compute = r.out.find("\nCOMPUTE\n");
    const auto storage = r.out.find("\nSTORAGE\n");
    REQUIRE(compute != std::string::npos);
    REQUIRE(storage != std::string::npos);
    CHECK(compute < storage);
    CHECK(r.out.find("FAIL    coderd-replicas") != std::string::npos);
    CHECK(r.out.find("Summary: ") != std::string::npos);
  }

  TEST_CASE("cli: colour on a terminal, never with NO_COLOR")
  {
    if (std::system("command -v script >/dev/null 2>&1") != 0) {
      MESSAGE("util-linux `script` is not installed; skipping the terminal case");
      return;
    }
    const std::string cmd = std::string(CVA_CLI) + " analyze " + sample("incident") + " --only coderd-replicas";
    const auto tty = test::run_command({"script", "-qec", cmd, "/dev/null"}, {}, {"NO_COLOR="});
    CHECK(tty.out.find("\033[") != std::string::npos);
    const auto no_color = test::run_command({"script", "-qec", cmd, "/dev/null"}, {}, {"NO_COLOR=1"});
    CHECK(no_color.out.find("coderd-replicas") != std::string::npos);
    CHECK(no_color.out.find("\033[") == std::string::npos);
  }

  TEST_CASE("cli: checks lists the catalogue with the report's per-check fields")
  {
    const Json j = Json::parse(run_cli({"checks", "-o", "json"}).out);
    REQUIRE(j["checks"].size() >= 5);
    for (const Json& c : j["checks"]) {
      for (const char* key : {"id", "area", "title", "remediation", "doc_url", "severity", "description"}) {
        CHECK_MESSAGE(c.contains(key), key);
      }
    }
    const auto md = run_cli({"checks"});
    CHECK(md.out.starts_with("| Id | Area |"));
    CHECK(md.out.find("`coderd-replicas`") != std::string::npos);
  }
}
