#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
const Json k_prometheus = {{"apiVersion", "v1"},
                           {"kind", "Pod"},
                           {"metadata",
                            {{"name", "prometheus-0"},
                             {"namespace", "coder-observability"},
                             {"labels", {{"app.kubernetes.io/instance", "coder-observability"}}}}},
                           {"spec", {{"containers", Json::array({{{"name", "prometheus-server"}, {"image", "prom/prometheus"}}})}}},
                           {"status", {{"phase", "Running"}}}};
Json annotated()
{
  return with(coderd_deployment(), "/spec/template/metadata/annotations",
              {{"prometheus.io/scrape", "true"}, {"prometheus.io/port", "2112"}});
}
} // namespace

TEST_SUITE("analyzers/observability-scraping")
{
  TEST_CASE("warns when the bundle runs but coderd is not annotated, and when neither exists")
  {
    const Snapshot bundle = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
                                           {"cluster-resources/pods/coder-observability.json", list({k_prometheus})}});
    CHECK(run_check(bundle, "observability-scraping").outcome == Outcome::warn);
    const Snapshot none = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})},
                                         {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(none, "observability-scraping").outcome == Outcome::warn);
  }

  TEST_CASE("passes the bundle with annotated coderd; annotations without the bundle are info")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({annotated()})},
                                      {"cluster-resources/pods/coder-observability.json", list({k_prometheus})}});
    CHECK(run_check(s, "observability-scraping").outcome == Outcome::pass);
    const Snapshot other = snapshot_from({{"cluster-resources/deployments/coder.json", list({annotated()})},
                                          {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(other, "observability-scraping").outcome == Outcome::info);
  }

  TEST_CASE("is unknown when pods were not collected")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({annotated()})}});
    CHECK(run_check(s, "observability-scraping").outcome == Outcome::unknown);
  }

  TEST_CASE("warns when coderd is annotated for scraping without the metrics port")
  {
    // Without prometheus.io/port, Prometheus scrapes the container's declared port (8080), not 2112.
    const Json d = with(coderd_deployment(), "/spec/template/metadata/annotations", {{"prometheus.io/scrape", "true"}});
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                      {"cluster-resources/pods/coder-observability.json", list({k_prometheus})}});
    const CheckResult r = run_check(s, "observability-scraping");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("prometheus.io/port") != std::string::npos);
    const Json wrong = with(coderd_deployment(), "/spec/template/metadata/annotations",
                            {{"prometheus.io/scrape", "true"}, {"prometheus.io/port", "8080"}});
    const Snapshot w = snapshot_from({{"cluster-resources/deployments/coder.json", list({wrong})},
                                      {"cluster-resources/pods/coder-observability.json", list({k_prometheus})}});
    CHECK(run_check(w, "observability-scraping").outcome == Outcome::warn);
  }

  TEST_CASE("is unknown when the metrics address comes from a source the input does not show")
  {
    const Json d = with(coderd_deployment(3, Json::array({secret_env("CODER_PROMETHEUS_ADDRESS", "coder-env", "addr")})),
                        "/spec/template/metadata/annotations", {{"prometheus.io/scrape", "true"}, {"prometheus.io/port", "2112"}});
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                      {"cluster-resources/pods/coder-observability.json", list({k_prometheus})}});
    const CheckResult r = run_check(s, "observability-scraping");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("CODER_PROMETHEUS_ADDRESS") != std::string::npos);
  }
}
