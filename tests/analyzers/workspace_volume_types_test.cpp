#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/workspace-volume-types")
{
  TEST_CASE("flags an inline cloud disk in a workspace")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json",
                                       list({workspace_pod("ws-a", "n1",
                                                           Json::array({{{"name", "scratch"},
                                                                         {"awsElasticBlockStore", {{"volumeID", "vol-1"}}}}}))})}});
    const CheckResult r = run_check(s, "workspace-volume-types");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("awsElasticBlockStore") != std::string::npos);
  }

  TEST_CASE("passes claims, NFS and configuration volumes")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json",
                                       list({workspace_pod("ws-a", "n1",
                                                           Json::array({{{"name", "home"}, {"persistentVolumeClaim", {{"claimName", "h"}}}},
                                                                        {{"name", "shared"}, {"nfs", {{"server", "nfs"}, {"path", "/x"}}}},
                                                                        {{"name", "cfg"}, {"configMap", {{"name", "c"}}}}}))})}});
    CHECK(run_check(s, "workspace-volume-types").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were not collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/nodes.json", list({node("n1")})}});
    CHECK(run_check(s, "workspace-volume-types").outcome == Outcome::unknown);
  }
}
