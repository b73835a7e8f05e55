#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json hpa(std::string_view target)
{
  return {{"apiVersion", "autoscaling/v2"},
          {"kind", "HorizontalPodAutoscaler"},
          {"metadata", {{"name", "coder"}, {"namespace", "coder"}}},
          {"spec", {{"scaleTargetRef", {{"kind", "Deployment"}, {"name", target}}}, {"minReplicas", 1}, {"maxReplicas", 5}}}};
}
} // namespace

TEST_SUITE("analyzers/coderd-hpa")
{
  TEST_CASE("flags an HPA targeting the coderd Deployment")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
      {"cluster-resources/horizontal-pod-autoscalers/coder.json", list({hpa("coder")})},
    });
    const CheckResult r = run_check(s, "coderd-hpa");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].objects[0].kind == "HorizontalPodAutoscaler");
  }

  TEST_CASE("passes when HPAs target other workloads")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
      {"cluster-resources/horizontal-pod-autoscalers/coder.json", list({hpa("something-else")})},
    });
    CHECK(run_check(s, "coderd-hpa").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when HPAs were not collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    CHECK(run_check(s, "coderd-hpa").outcome == Outcome::unknown);
  }
}
