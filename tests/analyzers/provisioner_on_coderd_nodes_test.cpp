#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/provisioner-on-coderd-nodes")
{
  const Json k_off = Json::array({env("CODER_PROVISIONER_DAEMONS", "0")});

  TEST_CASE("flags a provisioner beside coderd at 2k users, info at 1k")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1", k_off), provisioner_pod("prov-a", "n1")})}});
    AnalysisOptions big;
    big.users = 2000;
    const CheckResult r = run_check(s, "provisioner-on-coderd-nodes", big);
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].objects[0].name == "prov-a");
    AnalysisOptions small;
    small.users = 100;
    CHECK(run_check(s, "provisioner-on-coderd-nodes", small).outcome == Outcome::info);
  }

  TEST_CASE("passes provisioners on their own nodes with built-in daemons off")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1", k_off), provisioner_pod("prov-a", "n2")})}});
    AnalysisOptions big;
    big.users = 2500;
    CHECK(run_check(s, "provisioner-on-coderd-nodes", big).outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods are forbidden, or the user count is missing")
  {
    const Snapshot forbidden = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
                                              {"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(forbidden, "provisioner-on-coderd-nodes").outcome == Outcome::unknown);
    const Snapshot no_users = snapshot_from({{"cluster-resources/pods/coder.json",
                                              list({coderd_pod("coder-a", "n1", k_off), provisioner_pod("prov-a", "n1")})}});
    CHECK(run_check(no_users, "provisioner-on-coderd-nodes").outcome == Outcome::unknown);
  }
}
