#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/prometheus-enabled")
{
  TEST_CASE("warns when CODER_PROMETHEUS_ENABLE is unset or false")
  {
    const Snapshot unset = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    CHECK(run_check(unset, "prometheus-enabled").outcome == Outcome::warn);
    const Snapshot off = snapshot_from({{"cluster-resources/deployments/coder.json",
                                         list({coderd_deployment(3, Json::array({env("CODER_PROMETHEUS_ENABLE", "false")}))})}});
    CHECK(run_check(off, "prometheus-enabled").outcome == Outcome::warn);
  }

  TEST_CASE("passes when enabled, or when metrics were collected")
  {
    const Snapshot on = snapshot_from({{"cluster-resources/deployments/coder.json",
                                        list({coderd_deployment(3, Json::array({env("CODER_PROMETHEUS_ENABLE", "true")}))})}});
    CHECK(run_check(on, "prometheus-enabled").outcome == Outcome::pass);
    const Snapshot metrics = snapshot_from({{"coder/metrics/coder-a.prom", "coderd_api_concurrent_requests 1\n"}});
    CHECK(run_check(metrics, "prometheus-enabled").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the value comes from an uncollected Secret")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom", Json::array({{{"secretRef", {{"name", "coder-env"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(s, "prometheus-enabled").outcome == Outcome::unknown);
  }

  TEST_CASE("reads booleans as the server does (Go's strconv.ParseBool)")
  {
    const auto outcome = [](std::string_view value) {
      const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                         list({coderd_deployment(3, Json::array({env("CODER_PROMETHEUS_ENABLE", value)}))})}});
      return run_check(s, "prometheus-enabled").outcome;
    };
    CHECK(outcome("t") == Outcome::pass);
    CHECK(outcome("TRUE") == Outcome::pass);
    CHECK(outcome("1") == Outcome::pass);
    // The server refuses to start on these rather than enabling the endpoint.
    CHECK(outcome("yes") == Outcome::warn);
    CHECK(outcome("on") == Outcome::warn);
  }

  TEST_CASE("does not take an external provisioner's metrics for coderd's")
  {
    // collect scrapes provisioner pods too; their endpoint says nothing about coderd's.
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
                                      {"cluster-resources/pods/coder.json", list({provisioner_pod("prov-a", "n2")})},
                                      {"coder/metrics/prov-a.prom", "coderd_provisionerd_num_daemons 1\n"}});
    CHECK(run_check(s, "prometheus-enabled").outcome == Outcome::warn);
  }
}
