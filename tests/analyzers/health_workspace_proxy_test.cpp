#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-workspace-proxy")
{
  TEST_CASE("surfaces the section's codes with their meaning")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/health.json", R"({"severity": "error", "workspace_proxy": {"severity": "error", "warnings": [{"code": "EWP04", "message": "1 proxy unhealthy"}]}})"}});
    const CheckResult r = run_check(s, "health-workspace-proxy");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings[0].message.find("EWP04") != std::string::npos);
    CHECK(r.findings[0].evidence[0].pointer == "/workspace_proxy/severity");
  }

  TEST_CASE("passes a healthy section; a dismissed one is info, not healthy")
  {
    const Snapshot ok = snapshot_from({{"coder/api/health.json", R"({"severity": "ok", "workspace_proxy": {"severity": "ok", "warnings": []}})"}});
    CHECK(run_check(ok, "health-workspace-proxy").outcome == Outcome::pass);
    const Snapshot dismissed = snapshot_from({{"coder/api/health.json", R"({"severity": "error", "workspace_proxy": {"severity": "error", "warnings": [{"code": "EWP04", "message": "1 proxy unhealthy"}]}})"},
                                              {"coder/api/health_settings.json", R"({"dismissed_healthchecks": ["WorkspaceProxy"]})"}});
    const CheckResult r = run_check(dismissed, "health-workspace-proxy");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("dismissed") != std::string::npos);
  }

  TEST_CASE("is unknown without a health report, or when the file is empty")
  {
    CHECK(run_check(snapshot_from({}), "health-workspace-proxy").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({{"coder/support-bundle/deployment/health.json", ""}});
    CHECK(run_check(empty, "health-workspace-proxy").outcome == Outcome::unknown);
  }
}
