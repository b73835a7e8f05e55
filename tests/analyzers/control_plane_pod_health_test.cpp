#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/control-plane-pod-health")
{
  TEST_CASE("fails a Pending coderd pod and warns on an OOMKilled one")
  {
    Json pending = with(coderd_pod("coder-a", ""), "/status", {{"phase", "Pending"},
                                                               {"conditions", Json::array({{{"type", "PodScheduled"},
                                                                                             {"status", "False"},
                                                                                             {"reason", "Unschedulable"},
                                                                                             {"message", "0/3 nodes"}}})}});
    Json oom = with(with(coderd_pod("coder-b", "n1"), "/status/containerStatuses/0/restartCount", 4),
                    "/status/containerStatuses/0/lastState", {{"terminated", {{"reason", "OOMKilled"}, {"exitCode", 137}}}});
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({pending, oom})}});
    const CheckResult r = run_check(s, "control-plane-pod-health");
    CHECK(r.outcome == Outcome::fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].outcome == Outcome::fail);
    CHECK(r.findings[1].outcome == Outcome::warn);
    CHECK(r.findings[1].message.find("OOMKilled") != std::string::npos);
  }

  TEST_CASE("passes running, ready pods without restarts")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2")})}});
    CHECK(run_check(s, "control-plane-pod-health").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods are forbidden or only synthesized")
  {
    const Snapshot forbidden = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(forbidden, "control-plane-pod-health").outcome == Outcome::unknown);
    const Snapshot planned = snapshot_from_manifests(coderd_deployment().dump());
    CHECK(run_check(planned, "control-plane-pod-health").outcome == Outcome::unknown);
  }
}
