#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json sized(int replicas, std::string_view cpu, std::string_view memory)
{
  Json d = coderd_deployment(replicas);
  d["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"requests", {{"cpu", cpu}, {"memory", memory}}},
                                                                 {"limits", {{"cpu", cpu}, {"memory", memory}}}};
  return d;
}
} // namespace

TEST_SUITE("analyzers/sizing-coderd")
{
  TEST_CASE("flags too few and too small replicas for 2k users")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({sized(2, "2000m", "8Gi")})}});
    AnalysisOptions options;
    options.users = 1800;
    const CheckResult r = run_check(s, "sizing-coderd", options);
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("2 replica(s), the tier runs 3") != std::string::npos);
  }

  TEST_CASE("passes the tier's figures, and applies the previous edition when asked")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({sized(3, "4", "12Gi")})}});
    AnalysisOptions options;
    options.users = 1800;
    CHECK(run_check(s, "sizing-coderd", options).outcome == Outcome::pass);
    options.edition = Edition::previous; // 2k: 4 vCPU / 16 GB per replica
    CHECK(run_check(s, "sizing-coderd", options).outcome == Outcome::warn);
  }

  TEST_CASE("is unknown without a user count")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({sized(3, "4", "12Gi")})}});
    CHECK(run_check(s, "sizing-coderd").outcome == Outcome::unknown);
  }
}
