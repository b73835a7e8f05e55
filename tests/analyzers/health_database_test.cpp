#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-database")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "warning", "database": {"severity": "warning", "warnings": [{"Code": "EDB02", "Message": "median database ping above threshold"}], "latency_ms": 42, "threshold_ms": 15}})"}});
    const CheckResult r = run_check(s, "health-database");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EDB02") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/database/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "database": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-database").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "warning", "database": {"severity": "warning", "warnings": [{"Code": "EDB02", "Message": "median database ping above threshold"}], "latency_ms": 42, "threshold_ms": 15}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["Database"]})"}});
    const CheckResult r = run_check(dismissed, "health-database");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-database").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-database").outcome == Outcome::unknown);
  }
}
