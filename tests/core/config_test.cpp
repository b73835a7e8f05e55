#include "../analyzers/builders.hpp"
#include "../support/support.hpp"

#include <core/check/config.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("check/config")
{
  TEST_CASE("parses every setting and applies it to the run options")
  {
    const auto config = parse_config(R"(
users: 2140
tier: 3k
reference: previous
disable: [support-links]
severity:
  image-tags: fail
exempt:
  - checks: [workspace-host-volumes]
    namespace: coder-workspaces
    name: "legacy-*"
    reason: moving to CSI
)",
                                     "cva.yaml");
    REQUIRE_MESSAGE(config.has_value(), (config ? "" : config.error().message));
    RunOptions run;
    apply_config(*config, run);
    CHECK(run.analysis.users == 2140);
    CHECK(run.analysis.tier == "3k");
    CHECK(run.analysis.edition == Edition::previous);
    CHECK(run.skip == std::vector<std::string>{"support-links"});
    CHECK(run.severity.at("image-tags") == Outcome::fail);
    REQUIRE(run.exemptions.size() == 1);
    CHECK(run.exemptions[0].name == "legacy-*");
  }

  TEST_CASE("rejects unknown keys, ids, severities, tiers and empty exemptions with one-line errors")
  {
    const auto error = [](std::string_view text) {
      const auto c = parse_config(text, "cva.yaml");
      REQUIRE_FALSE(c.has_value());
      return c.error().message;
    };
    CHECK(error("colour: red\n") == "cva.yaml: unknown key `colour` (expected users, tier, reference, disable, severity, exempt)");
    CHECK(error("disable: [no-such-check]\n").find("unknown check id 'no-such-check'") != std::string::npos);
    CHECK(error("severity: {image-tags: loud}\n") == "cva.yaml: severity of image-tags must be info, warn or fail");
    CHECK(error("tier: 5k\n") == "cva.yaml: `tier` must be 1k, 2k, 3k or 10k, not '5k'");
    CHECK(error("users: -3\n") == "cva.yaml: `users` must be a positive whole number");
    CHECK(error("exempt: [{checks: [image-tags]}]\n").find("names no object") != std::string::npos);
    CHECK(error("reference: newest\n") == "cva.yaml: `reference` must be current or previous");
  }

  TEST_CASE("exemptions turn matching findings into info; the ignore annotation does too")
  {
    Json pod = workspace_pod("legacy-ws", "n1", Json::array({{{"name", "home"}, {"hostPath", {{"path", "/mnt/h"}}}}}));
    Json other = workspace_pod("new-ws", "n1", Json::array({{{"name", "home"}, {"hostPath", {{"path", "/mnt/n"}}}}}));
    Json annotated = with(workspace_pod("noted-ws", "n1", Json::array({{{"name", "home"}, {"hostPath", {{"path", "/mnt/a"}}}}})),
                          "/metadata/annotations", {{"coder-cva.coder.com/ignore", "image-tags, workspace-host-volumes"}});
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({pod, other, annotated})}});
    RunOptions run;
    run.only = {"workspace-host-volumes"};
    run.exemptions.push_back(Exemption{{"workspace-host-volumes"}, "Pod", "coder-*", "legacy-*", "moving to CSI"});
    const auto report = run_checks(s, run);
    REQUIRE(report.has_value());
    const CheckResult& r = report->checks.at(0);
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 3);
    CHECK(r.findings[0].outcome == Outcome::info);
    CHECK(r.findings[0].message.starts_with("exempted by --config: moving to CSI (was fail): workspace"));
    CHECK(r.findings[1].outcome == Outcome::fail);
    CHECK(r.findings[2].outcome == Outcome::info);
    CHECK(r.findings[2].message.starts_with("exempted by annotation coder-cva.coder.com/ignore on Pod noted-ws"));
  }

  TEST_CASE("glob matching")
  {
    CHECK(glob_match("coder-*", "coder-workspaces"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("ws-?", "ws-1"));
    CHECK_FALSE(glob_match("ws-?", "ws-10"));
    CHECK(glob_match("a*b*c", "axxbyyc"));
    CHECK_FALSE(glob_match("a*b*c", "axxbyy"));
  }

  TEST_CASE("cli: analyze --config applies the file and rejects a bad one")
  {
    TempDir dir;
    write_text(dir / "cva.yaml", "disable: [coderd-replicas]\nseverity:\n  image-tags: fail\nusers: 180\n");
    const CommandResult ok = run_cli({"analyze", sample_archive("incident").string(), "--config", (dir / "cva.yaml").string(),
                                      "-o", "json", "--fail-on", "never"});
    REQUIRE(ok.exit_code == 0);
    const Json report = Json::parse(ok.out);
    bool saw_replicas = false;
    for (const Json& c : report["checks"]) {
      saw_replicas = saw_replicas || c["id"] == "coderd-replicas";
      if (c["id"] == "image-tags") {
        CHECK(c["outcome"] == "fail");
      }
      if (c["id"] == "sizing-tier") {
        CHECK(c["findings"][0]["message"].get<std::string>().find("tier 1k (180 users, users set in --config)") == 0);
      }
    }
    CHECK_FALSE(saw_replicas);
    write_text(dir / "bad.yaml", "disable: [nope]\n");
    const CommandResult bad = run_cli({"analyze", sample_archive("incident").string(), "--config", (dir / "bad.yaml").string()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unknown check id 'nope'") != std::string::npos);
  }
}
