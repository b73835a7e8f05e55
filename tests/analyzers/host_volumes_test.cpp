#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "fixtures.hpp"

using namespace cva;
namespace fx = cva::test::fixtures;

namespace {
const char* k_local_pv = R"(
- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-local}, spec: {local: {path: /mnt/disks/ssd1}, storageClassName: local}}
- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-csi}, spec: {csi: {driver: ebs.csi.aws.com, volumeHandle: v}}}
)";
const char* k_pvcs = R"(
- {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: home-local, namespace: ws}, spec: {volumeName: pv-local}, status: {phase: Bound}}
- {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: home-csi, namespace: ws}, spec: {volumeName: pv-csi}, status: {phase: Bound}}
)";
} // namespace

TEST_SUITE("analyzers/workspace-host-volumes")
{
  TEST_CASE("fails on hostPath volumes and on claims bound to local PersistentVolumes")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/pods/ws.json",
        fx::workspace_pod("w-hostpath", "n1", "[{name: home, hostPath: {path: /mnt/homes/alice}}]") +
          fx::workspace_pod("w-local", "n1", "[{name: home, persistentVolumeClaim: {claimName: home-local}}]") +
          fx::workspace_pod("w-csi", "n1", "[{name: home, persistentVolumeClaim: {claimName: home-csi}}]")},
       {"cluster-resources/pvcs/ws.json", k_pvcs},
       {"cluster-resources/pvs.json", k_local_pv}});
    const CheckResult r = test::run_check(s, "workspace-host-volumes");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].objects[0].name == "w-hostpath");
    CHECK(r.findings[0].evidence[0].pointer == "/items/0/spec/volumes/0");
    CHECK(r.findings[1].objects[0].name == "w-local");
    CHECK(r.findings[1].objects[1].kind == "PersistentVolume");
    CHECK(r.findings[1].message.find("/mnt/disks/ssd1") != std::string::npos);
  }

  TEST_CASE("checks the templates of stopped workspaces too")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/deployments/ws.json", R"(
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: coder-ws1, namespace: ws}
  spec:
    replicas: 0
    selector: {matchLabels: {com.coder.workspace.id: ws1}}
    template:
      metadata: {labels: {com.coder.workspace.id: ws1}}
      spec: {containers: [{name: dev, image: ubuntu}], volumes: [{name: home, hostPath: {path: /data/ws1}}]}
)"},
                                            {"cluster-resources/pods/ws.json", "[]"}});
    const CheckResult r = test::run_check(s, "workspace-host-volumes");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].evidence[0].pointer == "/items/0/spec/template/spec/volumes/0");
  }

  TEST_CASE("passes for claims on CSI volumes")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/pods/ws.json", fx::workspace_pod("w-csi", "n1", "[{name: home, persistentVolumeClaim: {claimName: home-csi}}]")},
       {"cluster-resources/pvcs/ws.json", k_pvcs},
       {"cluster-resources/pvs.json", k_local_pv}});
    CHECK(test::run_check(s, "workspace-host-volumes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the claim's volume was not collected, or pods were forbidden")
  {
    const Snapshot no_pvs = test::snapshot_from(
      {{"cluster-resources/pods/ws.json", fx::workspace_pod("w", "n1", "[{name: home, persistentVolumeClaim: {claimName: home-csi}}]")},
       {"cluster-resources/pvcs/ws.json", k_pvcs},
       {"cluster-resources/pvs-errors.json", R"(["persistentvolumes is forbidden"])"}});
    const CheckResult r = test::run_check(no_pvs, "workspace-host-volumes");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("forbidden") != std::string::npos);
    const Snapshot no_pods = test::snapshot_from({{"cluster-resources/pods-errors.json", R"({"ws": "pods is forbidden"})"}});
    CHECK(test::run_check(no_pods, "workspace-host-volumes").outcome == Outcome::unknown);
    const Snapshot no_workspaces = test::snapshot_from({{"cluster-resources/pods/ws.json", "[]"}});
    CHECK(test::run_check(no_workspaces, "workspace-host-volumes").outcome == Outcome::unknown);
  }

  TEST_CASE("partial pod coverage turns a pass into unknown")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/pods/ws.json", fx::workspace_pod("w-csi", "n1", "[{name: home, persistentVolumeClaim: {claimName: home-csi}}]")},
       {"cluster-resources/pods-errors.json", R"({"ws2": "pods is forbidden: User \"x\""})"},
       {"cluster-resources/pvcs/ws.json", k_pvcs},
       {"cluster-resources/pvs.json", k_local_pv}});
    const CheckResult r = test::run_check(s, "workspace-host-volumes");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings.back().message.find("ws2") != std::string::npos);
  }
}

TEST_SUITE("analyzers/control-plane-host-volumes")
{
  TEST_CASE("warns on a hostPath volume in coderd")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/pods/coder.json",
        fx::coderd_pod("c1", "n1", "    volumes: [{name: cache, hostPath: {path: /var/lib/coder}}]")}});
    const CheckResult r = test::run_check(s, "control-plane-host-volumes");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].objects[0].name == "c1");
  }

  TEST_CASE("passes with only ephemeral volumes")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "n1", "    volumes: [{name: tmp, emptyDir: {}}]")}});
    CHECK(test::run_check(s, "control-plane-host-volumes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without pods")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/nodes.json", "[]"}});
    CHECK(test::run_check(s, "control-plane-host-volumes").outcome == Outcome::unknown);
  }
}
