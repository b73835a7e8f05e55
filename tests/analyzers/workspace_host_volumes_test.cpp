#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/workspace-host-volumes")
{
  TEST_CASE("fails a workspace with a hostPath home")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json",
                                       list({workspace_pod("ws-a", "n1", Json::array({{{"name", "home"}, {"hostPath", {{"path", "/mnt/a"}}}}}))})}});
    const CheckResult r = run_check(s, "workspace-host-volumes");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].objects[0].name == "ws-a");
  }

  TEST_CASE("passes a workspace whose claim is bound to a CSI volume")
  {
    Json claim = with(pvc("coder-workspaces", "a-home", "gp3"), "/spec/volumeName", "pv-1");
    const Json pv = {{"apiVersion", "v1"},
                     {"kind", "PersistentVolume"},
                     {"metadata", {{"name", "pv-1"}}},
                     {"spec", {{"csi", {{"driver", "ebs.csi.aws.com"}, {"volumeHandle", "vol-1"}}}, {"storageClassName", "gp3"}}}};
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder-workspaces.json",
       list({workspace_pod("ws-a", "n1", Json::array({{{"name", "home"}, {"persistentVolumeClaim", {{"claimName", "a-home"}}}}}))})},
      {"cluster-resources/pvcs/coder-workspaces.json", list({claim})},
      {"cluster-resources/pvs.json", list({pv})},
    });
    CHECK(run_check(s, "workspace-host-volumes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "workspace-host-volumes").outcome == Outcome::unknown);
  }
}
