#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/coderd-spread")
{
  TEST_CASE("flags replicas sharing a node and a single zone in a multi-zone cluster")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), coderd_pod("coder-b", "n1"), coderd_pod("coder-c", "n2")})},
      {"cluster-resources/nodes.json", list({node("n1", "us-east-1a"), node("n2", "us-east-1a"), node("n3", "us-east-1b")})},
    });
    const CheckResult r = run_check(s, "coderd-spread");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].objects.size() == 2);
    CHECK(r.findings[1].message.find("zone us-east-1a") != std::string::npos);
  }

  TEST_CASE("passes replicas on distinct nodes in distinct zones")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), coderd_pod("coder-b", "n2"), coderd_pod("coder-c", "n3")})},
      {"cluster-resources/nodes.json", list({node("n1", "z1"), node("n2", "z2"), node("n3", "z3")})},
    });
    CHECK(run_check(s, "coderd-spread").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nodes were forbidden")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), coderd_pod("coder-b", "n2")})},
      {"cluster-resources/nodes-errors.json", R"(["nodes is forbidden: User \"x\" cannot list resource \"nodes\""])"},
    });
    const CheckResult r = run_check(s, "coderd-spread");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("forbidden") != std::string::npos);
  }
}
