#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/database-builtin")
{
  TEST_CASE("fails coderd without CODER_PG_CONNECTION_URL, in env or in the support bundle")
  {
    const Snapshot env_only = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    CHECK(run_check(env_only, "database-builtin").outcome == Outcome::fail);
    const Snapshot bundle_only = snapshot_from({
      {"coder/support-bundle/deployment/config.json",
       R"({"config": {"pg_connection_url": ""}, "options": [{"env": "CODER_PG_CONNECTION_URL", "value": null, "value_source": "default", "annotations": {"secret": "true"}}]})"},
    });
    CHECK(run_check(bundle_only, "database-builtin").outcome == Outcome::fail);
  }

  TEST_CASE("passes a Secret reference, and a ConfigMap key seen through envFrom")
  {
    const Snapshot secret = snapshot_from({{"cluster-resources/deployments/coder.json",
                                            list({coderd_deployment(3, Json::array({secret_env("CODER_PG_CONNECTION_URL", "coder-db-url", "url")}))})}});
    CHECK(run_check(secret, "database-builtin").outcome == Outcome::pass);
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom", Json::array({{{"configMapRef", {{"name", "coder-env"}}}}}));
    Json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", "coder-env"}, {"namespace", "coder"}}},
               {"data", {{"CODER_PG_CONNECTION_URL", "postgres://db.internal/coder"}}}};
    const Snapshot from_cm = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                            {"cluster-resources/configmaps/coder.json", list({cm})}});
    CHECK(run_check(from_cm, "database-builtin").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when envFrom names a Secret that was not collected, or nothing was collected")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom", Json::array({{{"secretRef", {{"name", "coder-env"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(s, "database-builtin").outcome == Outcome::unknown);
    const Snapshot empty = snapshot_from({});
    CHECK(run_check(empty, "database-builtin").outcome == Outcome::unknown);
  }

  TEST_CASE("is unknown, not pass, when two coderd Deployments disagree")
  {
    Json canary = coderd_deployment(1);
    canary["metadata"]["name"] = "coder-canary";
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                       list({coderd_deployment(3, Json::array({secret_env("CODER_PG_CONNECTION_URL", "coder-db-url", "url")})),
                                             canary})}});
    const CheckResult r = run_check(s, "database-builtin");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("differently") != std::string::npos);
  }
}
