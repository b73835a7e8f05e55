#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-websocket")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "error", "websocket": {"severity": "error", "warnings": [], "error": "EWS01: websocket: bad handshake"}})"}});
    const CheckResult r = run_check(s, "health-websocket");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EWS01") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/websocket/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "websocket": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-websocket").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "error", "websocket": {"severity": "error", "warnings": [], "error": "EWS01: websocket: bad handshake"}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["Websocket"]})"}});
    const CheckResult r = run_check(dismissed, "health-websocket");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-websocket").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-websocket").outcome == Outcome::unknown);
  }
}
