#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/storage-binding-mode")
{
  TEST_CASE("flags an Immediate default block class across zones")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/nodes.json", list({node("n1", "z1"), node("n2", "z2")})},
      {"cluster-resources/storage-classes.json",
       list({storage_class("gp2", "kubernetes.io/aws-ebs", true, "Immediate"), storage_class("efs", "efs.csi.aws.com", false, "Immediate")})},
    });
    const CheckResult r = run_check(s, "storage-binding-mode");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].objects[0].name == "gp2");
  }

  TEST_CASE("passes WaitForFirstConsumer, and Immediate in a single zone")
  {
    const Snapshot multi = snapshot_from({
      {"cluster-resources/nodes.json", list({node("n1", "z1"), node("n2", "z2")})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
    });
    CHECK(run_check(multi, "storage-binding-mode").outcome == Outcome::pass);
    const Snapshot single = snapshot_from({
      {"cluster-resources/nodes.json", list({node("n1", "z1"), node("n2", "z1")})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp2", "kubernetes.io/aws-ebs", true, "Immediate")})},
    });
    CHECK(run_check(single, "storage-binding-mode").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes are absent")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})}});
    CHECK(run_check(s, "storage-binding-mode").outcome == Outcome::unknown);
  }
}
