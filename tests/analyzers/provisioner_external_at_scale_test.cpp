#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/provisioner-external-at-scale")
{
  const std::string k_entitlements_2500 = R"({"features": {"user_limit": {"limit": 3000, "actual": 2500}}})";

  TEST_CASE("flags 2,500 users with only built-in provisioners")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"coder/api/entitlements.json", k_entitlements_2500}});
    const CheckResult r = run_check(s, "provisioner-external-at-scale");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("tier 3k") != std::string::npos);
  }

  TEST_CASE("passes with external provisioners, or at 1k users without them")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2")})},
                                      {"coder/api/entitlements.json", k_entitlements_2500}});
    CHECK(run_check(s, "provisioner-external-at-scale").outcome == Outcome::pass);
    const Snapshot small = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    AnalysisOptions options;
    options.users = 300;
    CHECK(run_check(small, "provisioner-external-at-scale", options).outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without a user count")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(s, "provisioner-external-at-scale").outcome == Outcome::unknown);
  }
}
