#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json with_resources(Json requests, Json limits)
{
  return with(with(coderd_deployment(), "/spec/template/spec/containers/0/resources/requests", std::move(requests)),
              "/spec/template/spec/containers/0/resources/limits", std::move(limits));
}
} // namespace

TEST_SUITE("analyzers/coderd-resources")
{
  TEST_CASE("flags coderd without resources, and below the 1 vCPU / 2 GB minimum")
  {
    const Snapshot none = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    CHECK(run_check(none, "coderd-resources").outcome == Outcome::warn);
    const Snapshot small = snapshot_from({{"cluster-resources/deployments/coder.json",
                                           list({with_resources({{"cpu", "500m"}, {"memory", "1Gi"}},
                                                                {{"cpu", "500m"}, {"memory", "1Gi"}})})}});
    const CheckResult r = run_check(small, "coderd-resources");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("below 1 vCPU") != std::string::npos);
  }

  TEST_CASE("passes requests equal to limits above the minimum")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                       list({with_resources({{"cpu", "2"}, {"memory", "8Gi"}},
                                                            {{"cpu", "2000m"}, {"memory", "8Gi"}})})}});
    CHECK(run_check(s, "coderd-resources").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without coderd in the input")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"},
                                      {"cluster-resources/deployments-errors.json", R"(["deployments is forbidden"])"}});
    CHECK(run_check(s, "coderd-resources").outcome == Outcome::unknown);
  }
}
