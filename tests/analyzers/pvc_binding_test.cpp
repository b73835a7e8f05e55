#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/pvc-binding")
{
  TEST_CASE("fails a Lost claim and warns on a Pending one")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json",
       list({pvc("coder-workspaces", "a-home", "gp2", "Lost"), pvc("coder-workspaces", "b-home", "gp2", "Pending")})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp2", "kubernetes.io/aws-ebs", true, "Immediate")})},
    });
    const CheckResult r = run_check(s, "pvc-binding");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[1].outcome == Outcome::warn);
  }

  TEST_CASE("passes bound claims; an unused WaitForFirstConsumer claim is info")
  {
    const Snapshot bound = snapshot_from({{"cluster-resources/pvcs/coder-workspaces.json", list({pvc("coder-workspaces", "a", "gp3")})}});
    CHECK(run_check(bound, "pvc-binding").outcome == Outcome::pass);
    const Snapshot waiting = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json", list({pvc("coder-workspaces", "a", "gp3", "Pending")})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
    });
    CHECK(run_check(waiting, "pvc-binding").outcome == Outcome::info);
  }

  TEST_CASE("is unknown when claims were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pvcs-errors.json", R"(["persistentvolumeclaims is forbidden"])"}});
    CHECK(run_check(s, "pvc-binding").outcome == Outcome::unknown);
  }
}
