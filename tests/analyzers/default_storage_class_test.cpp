#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/default-storage-class")
{
  TEST_CASE("fails claims without a class when no class is the default; warns on two defaults")
  {
    const Snapshot none = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json", list({pvc("coder-workspaces", "a-home", nullptr, "Pending")})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com")})},
    });
    const CheckResult r = run_check(none, "default-storage-class");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].objects[0].name == "a-home");
    const Snapshot two = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json", list({})},
      {"cluster-resources/storage-classes.json",
       list({storage_class("gp3", "ebs.csi.aws.com", true), storage_class("gp2", "kubernetes.io/aws-ebs", true)})},
    });
    CHECK(run_check(two, "default-storage-class").outcome == Outcome::warn);
  }

  TEST_CASE("passes one default class")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json", list({pvc("coder-workspaces", "a-home", nullptr)})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
    });
    CHECK(run_check(s, "default-storage-class").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when claims were not collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com")})}});
    CHECK(run_check(s, "default-storage-class").outcome == Outcome::unknown);
  }
}
