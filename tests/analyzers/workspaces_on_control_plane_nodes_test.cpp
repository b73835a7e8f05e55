#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/workspaces-on-control-plane-nodes")
{
  TEST_CASE("flags workspaces in coderd's node group and on Kubernetes control-plane nodes")
  {
    Json master = with(node("m1", "z1", "masters"), "/metadata/labels/node-role.kubernetes.io~1control-plane", "");
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n2"), workspace_pod("ws-b", "m1")})},
      {"cluster-resources/nodes.json", list({node("n1", "z1", "general"), node("n2", "z1", "general"), master})},
    });
    const CheckResult r = run_check(s, "workspaces-on-control-plane-nodes");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].outcome == Outcome::warn);
    CHECK(r.findings[1].outcome == Outcome::fail);
  }

  TEST_CASE("passes workspaces in their own node group")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n2")})},
      {"cluster-resources/nodes.json", list({node("n1", "z1", "control"), node("n2", "z1", "workspaces")})},
    });
    CHECK(run_check(s, "workspaces-on-control-plane-nodes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes were not collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n2")})}});
    CHECK(run_check(s, "workspaces-on-control-plane-nodes").outcome == Outcome::unknown);
  }
}
