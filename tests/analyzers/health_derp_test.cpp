#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-derp")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "warning", "derp": {"severity": "warning", "warnings": [], "regions": {"999": {"severity": "warning", "warnings": ["EDERP01: derp node uses websocket fallback"], "node_reports": []}}}})"}});
    const CheckResult r = run_check(s, "health-derp");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EDERP01") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/derp/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "derp": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-derp").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "warning", "derp": {"severity": "warning", "warnings": [], "regions": {"999": {"severity": "warning", "warnings": ["EDERP01: derp node uses websocket fallback"], "node_reports": []}}}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["DERP"]})"}});
    const CheckResult r = run_check(dismissed, "health-derp");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-derp").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-derp").outcome == Outcome::unknown);
  }
}
