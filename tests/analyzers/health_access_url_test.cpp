#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-access-url")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "warning", "access_url": {"severity": "warning", "warnings": [{"code": "EACS03", "message": "get healthz: no such host"}]}})"}});
    const CheckResult r = run_check(s, "health-access-url");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EACS03 (the server could not fetch") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/access_url/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "access_url": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-access-url").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "warning", "access_url": {"severity": "warning", "warnings": [{"code": "EACS03", "message": "get healthz: no such host"}]}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["AccessURL"]})"}});
    const CheckResult r = run_check(dismissed, "health-access-url");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-access-url").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-access-url").outcome == Outcome::unknown);
  }
}
