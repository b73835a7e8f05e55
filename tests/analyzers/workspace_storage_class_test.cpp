#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json home_volume(std::string_view claim)
{
  return Json::array({{{"name", "home"}, {"persistentVolumeClaim", {{"claimName", claim}}}}});
}
} // namespace

TEST_SUITE("analyzers/workspace-storage-class")
{
  TEST_CASE("flags workspace claims on in-tree and node-local classes")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder-workspaces.json",
       list({workspace_pod("ws-a", "n1", home_volume("a-home")), workspace_pod("ws-b", "n1", home_volume("b-home"))})},
      {"cluster-resources/pvcs/coder-workspaces.json",
       list({pvc("coder-workspaces", "a-home", nullptr), pvc("coder-workspaces", "b-home", "local-path")})},
      {"cluster-resources/storage-classes.json",
       list({storage_class("gp2", "kubernetes.io/aws-ebs", true), storage_class("local-path", "rancher.io/local-path")})},
    });
    const CheckResult r = run_check(s, "workspace-storage-class");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].message.find("ebs.csi.aws.com") != std::string::npos);
    CHECK(r.findings[1].message.find("node-local") != std::string::npos);
  }

  TEST_CASE("passes workspace claims on a CSI class, found by Coder's labels too")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json",
       list({pvc("coder-workspaces", "a-home", "gp3", "Bound", {{"com.coder.workspace.id", "a"}})})},
      {"cluster-resources/storage-classes.json", list({storage_class("gp3", "ebs.csi.aws.com", true)})},
    });
    CHECK(run_check(s, "workspace-storage-class").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when StorageClasses were forbidden")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pvcs/coder-workspaces.json",
       list({pvc("coder-workspaces", "a-home", "gp3", "Bound", {{"com.coder.workspace.id", "a"}})})},
      {"cluster-resources/storage-classes-errors.json", R"(["storageclasses.storage.k8s.io is forbidden"])"},
    });
    CHECK(run_check(s, "workspace-storage-class").outcome == Outcome::unknown);
  }
}
