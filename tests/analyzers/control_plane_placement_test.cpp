#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "fixtures.hpp"

using namespace cva;
namespace fx = cva::test::fixtures;

namespace {

const char* k_nodes = R"(
- {apiVersion: v1, kind: Node, metadata: {name: cp-1, labels: {eks.amazonaws.com/nodegroup: control}}}
- {apiVersion: v1, kind: Node, metadata: {name: ws-1, labels: {eks.amazonaws.com/nodegroup: workspaces}}}
- {apiVersion: v1, kind: Node, metadata: {name: kp-1, labels: {karpenter.sh/nodepool: general}}}
)";
const char* k_ca = R"(
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cluster-autoscaler-status, namespace: kube-system}
  data: {status: "NodeGroups:\n  Name:        eks-workspaces-abc\n"}
)";
const char* k_ns = "[{apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}]";

std::map<std::string, std::string> cluster(const std::string& pods)
{
  return {{"cluster-resources/nodes.json", k_nodes},
          {"cluster-resources/configmaps/kube-system.json", k_ca},
          {"cluster-resources/namespaces.json", k_ns},
          {"cluster-resources/pods/coder.json", pods}};
}

} // namespace

TEST_SUITE("analyzers/control-plane-autoscaled-nodes")
{
  TEST_CASE("fails for coderd on a Cluster Autoscaler group and on a Karpenter node")
  {
    const Snapshot s = test::snapshot_from(cluster(fx::coderd_pod("c1", "ws-1") + fx::coderd_pod("c2", "kp-1") + fx::coderd_pod("c3", "cp-1")));
    const CheckResult r = test::run_check(s, "control-plane-autoscaled-nodes");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].objects[1].name == "ws-1");
    CHECK(r.findings[0].message.find("eks-workspaces-abc") != std::string::npos);
    CHECK(r.findings[1].message.find("Karpenter") != std::string::npos);
  }

  TEST_CASE("an eviction guard lowers the finding to warn")
  {
    const Snapshot s = test::snapshot_from(
      cluster(fx::coderd_pod("c1", "ws-1", "", "{cluster-autoscaler.kubernetes.io/safe-to-evict: \"false\"}")));
    const CheckResult r = test::run_check(s, "control-plane-autoscaled-nodes");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("safe-to-evict=false") != std::string::npos);
  }

  TEST_CASE("passes on a group the autoscaler does not manage")
  {
    const Snapshot s = test::snapshot_from(cluster(fx::coderd_pod("c1", "cp-1")));
    CHECK(test::run_check(s, "control-plane-autoscaled-nodes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes were forbidden, or the autoscaler's groups could not be seen")
  {
    auto files = cluster(fx::coderd_pod("c1", "cp-1"));
    files.erase("cluster-resources/nodes.json");
    files["cluster-resources/nodes-errors.json"] = R"(["nodes is forbidden"])";
    CHECK(test::run_check(test::snapshot_from(files), "control-plane-autoscaled-nodes").outcome == Outcome::unknown);

    const Snapshot no_cms = test::snapshot_from({{"cluster-resources/nodes.json", k_nodes},
                                                 {"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "cp-1")}});
    const CheckResult r = test::run_check(no_cms, "control-plane-autoscaled-nodes");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("not collected") != std::string::npos);
  }
}

TEST_SUITE("analyzers/control-plane-shares-workspace-nodes")
{
  const std::string k_ws = fx::workspace_pod("w1", "cp-1", "[]") + fx::workspace_pod("w2", "ws-1", "[]");

  TEST_CASE("warns when coderd and workspaces share a node")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "cp-1")},
                                            {"cluster-resources/pods/ws.json", k_ws}});
    const CheckResult r = test::run_check(s, "control-plane-shares-workspace-nodes");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].message.find("node cp-1") != std::string::npos);
  }

  TEST_CASE("passes when they are apart")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "kp-1")},
                                            {"cluster-resources/pods/ws.json", k_ws}});
    CHECK(test::run_check(s, "control-plane-shares-workspace-nodes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without scheduled workspaces or without pods")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "cp-1")}});
    CHECK(test::run_check(s, "control-plane-shares-workspace-nodes").outcome == Outcome::unknown);
    const Snapshot none = test::snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(test::run_check(none, "control-plane-shares-workspace-nodes").outcome == Outcome::unknown);
  }
}
