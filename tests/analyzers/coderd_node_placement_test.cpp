#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/coderd-node-placement")
{
  TEST_CASE("flags coderd without nodeSelector or node affinity")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    const CheckResult r = run_check(s, "coderd-node-placement");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].objects[0].name == "coder");
  }

  TEST_CASE("passes a pinned and tolerating coderd; pinned without tolerations is info")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/nodeSelector", {{"eks.amazonaws.com/nodegroup", "coder"}});
    const Snapshot info = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(info, "coderd-node-placement").outcome == Outcome::info);
    d = with(d, "/spec/template/spec/tolerations",
             Json::array({{{"key", "dedicated"}, {"value", "coder"}, {"effect", "NoSchedule"}}}));
    const Snapshot pass = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(pass, "coderd-node-placement").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when neither pods nor deployments were collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/nodes.json", list({node("n1")})}});
    const CheckResult r = run_check(s, "coderd-node-placement");
    CHECK(r.outcome == Outcome::unknown);
  }
}
