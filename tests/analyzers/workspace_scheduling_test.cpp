#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/workspace-scheduling")
{
  TEST_CASE("flags an unschedulable workspace with its events")
  {
    Json pod = with(workspace_pod("ws-a", ""), "/status",
                    {{"phase", "Pending"},
                     {"conditions", Json::array({{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                                                   {"message", "0/3 nodes are available: 3 Insufficient memory."}}})}});
    Json event = {{"apiVersion", "v1"},
                  {"kind", "Event"},
                  {"metadata", {{"name", "ws-a.1"}, {"namespace", "coder-workspaces"}}},
                  {"involvedObject", {{"kind", "Pod"}, {"name", "ws-a"}, {"namespace", "coder-workspaces"}}},
                  {"reason", "FailedScheduling"},
                  {"type", "Warning"},
                  {"message", "0/3 nodes are available"},
                  {"count", 7}};
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({pod})},
                                      {"cluster-resources/events/coder-workspaces.json", list({event})}});
    const CheckResult r = run_check(s, "workspace-scheduling");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("FailedScheduling x7") != std::string::npos);
  }

  TEST_CASE("passes running workspaces")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder-workspaces.json", list({workspace_pod("ws-a", "n1")})}});
    CHECK(run_check(s, "workspace-scheduling").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "workspace-scheduling").outcome == Outcome::unknown);
  }
}
