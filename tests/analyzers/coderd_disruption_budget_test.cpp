#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json pdb(Json match_labels, int allowed)
{
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", {{"name", "coder"}, {"namespace", "coder"}}},
          {"spec", {{"minAvailable", 2}, {"selector", {{"matchLabels", std::move(match_labels)}}}}},
          {"status", {{"disruptionsAllowed", allowed}, {"expectedPods", 3}}}};
}
} // namespace

TEST_SUITE("analyzers/coderd-disruption-budget")
{
  TEST_CASE("flags coderd with no PodDisruptionBudget selecting it")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
      {"cluster-resources/pod-disruption-budgets/coder.json", list({pdb({{"app", "other"}}, 1)})},
    });
    CHECK(run_check(s, "coderd-disruption-budget").outcome == Outcome::warn);
  }

  TEST_CASE("passes a budget that selects coderd")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
      {"cluster-resources/pod-disruption-budgets/coder.json", list({pdb({{"app.kubernetes.io/name", "coder"}}, 1)})},
    });
    const CheckResult r = run_check(s, "coderd-disruption-budget");
    CHECK(r.outcome == Outcome::pass);
    CHECK(r.findings[0].objects.size() == 2);
  }

  TEST_CASE("is unknown when budgets are forbidden in coderd's namespace")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
      {"cluster-resources/pod-disruption-budgets-errors.json",
       R"({"coder": "poddisruptionbudgets.policy is forbidden"})"},
    });
    CHECK(run_check(s, "coderd-disruption-budget").outcome == Outcome::unknown);
  }
}
