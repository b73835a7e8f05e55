#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/image-tags")
{
  TEST_CASE("flags latest and untagged images")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/image", "ghcr.io/coder/coder:latest");
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                      {"cluster-resources/pods/coder.json", list({provisioner_pod("prov-a", "n1", "ghcr.io/coder/coder")})}});
    const CheckResult r = run_check(s, "image-tags");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings.size() == 2);
  }

  TEST_CASE("passes version tags and digests")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
                                      {"cluster-resources/pods/coder.json",
                                       list({provisioner_pod("prov-a", "n1", "ghcr.io/coder/coder@sha256:0123abcd")})}});
    CHECK(run_check(s, "image-tags").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown without Coder workloads in the input")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "image-tags").outcome == Outcome::unknown);
  }
}
