#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/coderd-persistent-storage")
{
  TEST_CASE("flags coderd mounting a claim")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/volumes",
                  Json::array({{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "coder-data"}}}},
                               {{"name", "tls"}, {"secret", {{"secretName", "coder-tls"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    const CheckResult r = run_check(s, "coderd-persistent-storage");
    CHECK(r.outcome == Outcome::warn);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].evidence[0].pointer == "/items/0/spec/template/spec/volumes/0");
  }

  TEST_CASE("passes configuration and scratch volumes")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/volumes",
                  Json::array({{{"name", "cache"}, {"emptyDir", Json::object()}},
                               {{"name", "tls"}, {"secret", {{"secretName", "coder-tls"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(s, "coderd-persistent-storage").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when coderd was not found")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({provisioner_pod("prov-a", "n1")})}});
    CHECK(run_check(s, "coderd-persistent-storage").outcome == Outcome::unknown);
  }
}
