#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
const std::string k_ca_status = list({{{"apiVersion", "v1"},
                                       {"kind", "ConfigMap"},
                                       {"metadata", {{"name", "cluster-autoscaler-status"}, {"namespace", "kube-system"}}},
                                       {"data", {{"status", "Cluster-autoscaler status\nNodeGroups:\n  Name: eks-workers-1234\n"}}}}});
const std::string k_namespaces = list({{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "kube-system"}}}}});
} // namespace

TEST_SUITE("analyzers/workspace-nodes-autoscaling")
{
  TEST_CASE("flags workspaces on a node group the autoscaler does not manage")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})},
      {"cluster-resources/nodes.json", list({node("n1", "z1", "static")})},
      {"cluster-resources/configmaps/kube-system.json", k_ca_status},
      {"cluster-resources/namespaces.json", k_namespaces},
    });
    CHECK(run_check(s, "workspace-nodes-autoscaling").outcome == Outcome::warn);
  }

  TEST_CASE("passes workspaces on an autoscaled group")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})},
      {"cluster-resources/nodes.json", list({node("n1", "z1", "workers")})},
      {"cluster-resources/configmaps/kube-system.json", k_ca_status},
      {"cluster-resources/namespaces.json", k_namespaces},
    });
    CHECK(run_check(s, "workspace-nodes-autoscaling").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes are missing or their scaling cannot be told")
  {
    const Snapshot missing = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})}});
    CHECK(run_check(missing, "workspace-nodes-autoscaling").outcome == Outcome::unknown);
    const Snapshot no_cm = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})},
                                          {"cluster-resources/nodes.json", list({node("n1")})}});
    CHECK(run_check(no_cm, "workspace-nodes-autoscaling").outcome == Outcome::unknown);
  }
}
