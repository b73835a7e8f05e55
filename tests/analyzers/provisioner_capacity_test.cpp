#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/provisioner-capacity")
{
  TEST_CASE("flags more builds in flight than daemons")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json",
       list({coderd_pod("coder-a", "n1", Json::array({env("CODER_PROVISIONER_DAEMONS", "0")})), provisioner_pod("prov-a", "n2")})},
      {"coder/api/stats.json", R"({"workspaces": {"building": 3, "pending": 2}})"},
    });
    const CheckResult r = run_check(s, "provisioner-capacity");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("5 build(s) in flight") != std::string::npos);
  }

  TEST_CASE("passes when daemons cover the builds (metrics as the source)")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2")})},
      {"coder/metrics/coder-a.prom", "coderd_provisionerd_jobs_current{provisioner=\"terraform\"} 2\n"},
    });
    CHECK(run_check(s, "provisioner-capacity").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without build activity data")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(s, "provisioner-capacity").outcome == Outcome::unknown);
  }
}
