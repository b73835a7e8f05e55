#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "fixtures.hpp"

using namespace cva;
namespace fx = cva::test::fixtures;

TEST_SUITE("analyzers/coderd-replicas")
{
  TEST_CASE("one replica fails, two warn, three pass, eleven warn")
  {
    for (const auto& [replicas, outcome] : std::vector<std::pair<int, Outcome>>{
           {1, Outcome::fail}, {2, Outcome::warn}, {3, Outcome::pass}, {10, Outcome::pass}, {11, Outcome::warn}}) {
      const int replica_count = replicas; // clang 14 cannot capture a structured binding
      CAPTURE(replica_count);
      const Snapshot s = test::snapshot_from({{"cluster-resources/deployments/coder.json", fx::coder_deployment(replicas)}});
      const CheckResult r = test::run_check(s, "coderd-replicas");
      CHECK(r.outcome == outcome);
      REQUIRE(r.findings.size() == 1);
      CHECK(r.findings[0].objects[0].name == "coder");
      CHECK(r.findings[0].evidence[0].path == "cluster-resources/deployments/coder.json");
      CHECK(r.findings[0].evidence[0].pointer == "/items/0/spec/replicas");
      CHECK(r.findings[0].evidence[0].value == std::to_string(replicas));
    }
  }

  TEST_CASE("counts pods when the Deployment was not collected")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/coder.json", fx::coderd_pod("c1", "n1") + fx::coderd_pod("c2", "n2")},
                                            {"cluster-resources/deployments-errors.json", R"({"coder": "deployments.apps is forbidden"})"}});
    const CheckResult r = test::run_check(s, "coderd-replicas");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("2 coderd pod(s)") != std::string::npos);
  }

  TEST_CASE("is unknown when neither pods nor deployments were collected")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods-errors.json", R"({"coder": "pods is forbidden"})"},
                                            {"cluster-resources/deployments-errors.json", R"({"coder": "deployments.apps is forbidden"})"}});
    const CheckResult r = test::run_check(s, "coderd-replicas");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("forbidden") != std::string::npos);
  }

  TEST_CASE("is unknown, not pass, when no coderd is found")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/default.json", "[]"}, {"cluster-resources/deployments/default.json", "[]"}});
    CHECK(test::run_check(s, "coderd-replicas").outcome == Outcome::unknown);
  }

  TEST_CASE("a Deployment scaled to zero fails as down, not as a single replica")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/deployments/coder.json", fx::coder_deployment(0)}});
    const CheckResult r = test::run_check(s, "coderd-replicas");
    CHECK(r.outcome == Outcome::fail);
    CHECK(r.findings[0].message.find("scaled to zero") != std::string::npos);
  }
}
