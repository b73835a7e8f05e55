#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json provisioners(int replicas)
{
  Json d = {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "coder-provisioner"}, {"namespace", "coder"}}},
            {"spec", {{"replicas", replicas}}}};
  d["spec"]["template"]["metadata"]["labels"] = {{"app.kubernetes.io/name", "coder-provisioner"}};
  d["spec"]["template"]["spec"]["containers"] =
    Json::array({{{"name", "coder"}, {"image", "ghcr.io/coder/coder:v2.18.5"}, {"args", {"provisionerd", "start"}}}});
  return d;
}
const Json k_off = Json::array({env("CODER_PROVISIONER_DAEMONS", "0")});
} // namespace

TEST_SUITE("analyzers/sizing-provisioners")
{
  TEST_CASE("warns below the scaled reference and below the builds in flight")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment(3, k_off), provisioners(4)})},
      {"coder/api/stats.json", R"({"workspaces": {"building": 6, "pending": 3}})"},
    });
    AnalysisOptions options;
    options.users = 500; // 60 per 1,000 users -> 30
    const CheckResult r = run_check(s, "sizing-provisioners", options);
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("asks for 30") != std::string::npos);
  }

  TEST_CASE("passes the scaled reference; below it but covering the builds in flight is info")
  {
    AnalysisOptions options;
    options.users = 100; // -> 6
    const Snapshot enough = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(3, k_off), provisioners(6)})}});
    CHECK(run_check(enough, "sizing-provisioners", options).outcome == Outcome::pass);
    const Snapshot quiet = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({coderd_deployment(3, k_off), provisioners(2)})},
      {"coder/api/stats.json", R"({"workspaces": {"building": 1, "pending": 0}})"},
    });
    CHECK(run_check(quiet, "sizing-provisioners", options).outcome == Outcome::info);
  }

  TEST_CASE("is unknown without a user count or when the built-in daemon count is unseen")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment(3, k_off), provisioners(6)})}});
    CHECK(run_check(s, "sizing-provisioners").outcome == Outcome::unknown);
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom", Json::array({{{"secretRef", {{"name", "env"}}}}}));
    const Snapshot unseen = snapshot_from({{"cluster-resources/deployments/coder.json", list({d, provisioners(6)})}});
    AnalysisOptions options;
    options.users = 100;
    CHECK(run_check(unseen, "sizing-provisioners", options).outcome == Outcome::unknown);
  }
}
