#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/control-plane-autoscaled-nodes")
{
  TEST_CASE("fails coderd on a Karpenter node")
  {
    Json karpenter = with(node("n1"), "/metadata/labels/karpenter.sh~1nodepool", "default");
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/nodes.json", list({karpenter})}});
    const CheckResult r = run_check(s, "control-plane-autoscaled-nodes");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].message.find("Karpenter") != std::string::npos);
  }

  TEST_CASE("passes coderd on nodes nothing scales")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
      {"cluster-resources/nodes.json", list({node("n1")})},
      {"cluster-resources/configmaps/kube-system.json", list({})},
      {"cluster-resources/namespaces.json", list({{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "kube-system"}}}}})},
    });
    CHECK(run_check(s, "control-plane-autoscaled-nodes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/nodes-errors.json", R"(["nodes is forbidden"])"}});
    CHECK(run_check(s, "control-plane-autoscaled-nodes").outcome == Outcome::unknown);
  }
}
