#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/control-plane-shares-workspace-nodes")
{
  TEST_CASE("warns when coderd and a workspace share a node")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})}});
    const CheckResult r = run_check(s, "control-plane-shares-workspace-nodes");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("node n1 runs coder-a (coderd)") == 0);
  }

  TEST_CASE("passes separate nodes")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n2")})}});
    CHECK(run_check(s, "control-plane-shares-workspace-nodes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "control-plane-shares-workspace-nodes").outcome == Outcome::unknown);
  }
}
