#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/coderd-replicas")
{
  TEST_CASE("fails one replica and warns on two or more than ten")
  {
    const Snapshot one = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(1)})}});
    const CheckResult r = run_check(one, "coderd-replicas");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].evidence[0].pointer == "/items/0/spec/replicas");
    CHECK(run_check(snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(2)})}}), "coderd-replicas").outcome ==
          Outcome::warn);
    CHECK(run_check(snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(12)})}}), "coderd-replicas").outcome ==
          Outcome::warn);
  }

  TEST_CASE("passes three replicas")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(3)})}});
    CHECK(run_check(s, "coderd-replicas").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when neither pods nor deployments were collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"},
                                      {"cluster-resources/deployments-errors.json", R"(["deployments.apps is forbidden"])"}});
    CHECK(run_check(s, "coderd-replicas").outcome == Outcome::unknown);
  }
}
