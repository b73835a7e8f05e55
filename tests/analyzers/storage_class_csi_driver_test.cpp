#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json driver(std::string_view name)
{
  return {{"apiVersion", "storage.k8s.io/v1"}, {"kind", "CSIDriver"}, {"metadata", {{"name", name}}}};
}
} // namespace

TEST_SUITE("analyzers/storage-class-csi-driver")
{
  TEST_CASE("flags a non-CSI provisioner and an unmigrated in-tree class")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/storage-classes.json",
       list({storage_class("local-path", "rancher.io/local-path"), storage_class("gp2", "kubernetes.io/aws-ebs", true)})},
      {"cluster-resources/csidrivers.json", list({})},
    });
    const CheckResult r = run_check(s, "storage-class-csi-driver");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings.size() == 2);
  }

  TEST_CASE("passes classes on installed CSI drivers; a migrated in-tree class is info")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
      {"cluster-resources/csidrivers.json", list({driver("ebs.csi.aws.com")})},
    });
    CHECK(run_check(s, "storage-class-csi-driver").outcome == Outcome::pass);
    const Snapshot migrated = snapshot_from({
      {"cluster-resources/storage-classes.json", list({storage_class("gp2", "kubernetes.io/aws-ebs", true)})},
      {"cluster-resources/csidrivers.json", list({driver("ebs.csi.aws.com")})},
    });
    CHECK(run_check(migrated, "storage-class-csi-driver").outcome == Outcome::info);
  }

  TEST_CASE("is unknown when CSIDrivers were forbidden")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
      {"cluster-resources/csidrivers-errors.json", R"(["csidrivers.storage.k8s.io is forbidden"])"},
    });
    CHECK(run_check(s, "storage-class-csi-driver").outcome == Outcome::unknown);
  }
}
