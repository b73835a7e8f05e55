#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-usage-publishing")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "warning", "usage_publishing": {"severity": "warning", "warnings": [{"code": "EUNKNOWN", "message": "usage publishing failing"}]}})"}});
    const CheckResult r = run_check(s, "health-usage-publishing");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EUNKNOWN") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/usage_publishing/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "usage_publishing": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-usage-publishing").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "warning", "usage_publishing": {"severity": "warning", "warnings": [{"code": "EUNKNOWN", "message": "usage publishing failing"}]}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["UsagePublishing"]})"}});
    const CheckResult r = run_check(dismissed, "health-usage-publishing");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-usage-publishing").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-usage-publishing").outcome == Outcome::unknown);
  }
}
