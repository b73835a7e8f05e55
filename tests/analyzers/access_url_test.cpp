#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/access-url")
{
  TEST_CASE("warns on the chart's in-cluster default")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                       list({coderd_deployment(3, Json::array({env("CODER_ACCESS_URL", "http://coder.coder.svc.cluster.local")}))})}});
    const CheckResult r = run_check(s, "access-url");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("in-cluster default") != std::string::npos);
  }

  TEST_CASE("passes an external HTTPS URL from the support bundle")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/config.json",
                                       R"({"options": [{"env": "CODER_ACCESS_URL", "value": "https://coder.example.com", "value_source": "env"}]})"}});
    CHECK(run_check(s, "access-url").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the URL comes from a ConfigMap whose data was not collected")
  {
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom", Json::array({{{"configMapRef", {{"name", "coder-env"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})}});
    CHECK(run_check(s, "access-url").outcome == Outcome::unknown);
  }

  TEST_CASE("reads the last of duplicate env entries, as the kubelet does")
  {
    // The Helm chart's own entries come first and `coder.env` is appended after them: the last wins.
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                       list({coderd_deployment(3, Json::array({env("CODER_ACCESS_URL", "http://coder.coder.svc.cluster.local"),
                                                                               env("CODER_ACCESS_URL", "https://coder.example.com")}))})}});
    const CheckResult r = run_check(s, "access-url");
    CHECK(r.outcome == Outcome::pass);
    CHECK(r.findings[0].message.find("https://coder.example.com") != std::string::npos);
  }

  TEST_CASE("is unknown when a later envFrom source that was not collected may override an earlier value")
  {
    // Of several envFrom sources the last one holding a key wins; an unread Secret after the ConfigMap may hold it.
    Json d = with(coderd_deployment(), "/spec/template/spec/containers/0/envFrom",
                  Json::array({{{"configMapRef", {{"name", "coder-env"}}}}, {{"secretRef", {{"name", "coder-secrets"}}}}}));
    Json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", "coder-env"}, {"namespace", "coder"}}},
               {"data", {{"CODER_ACCESS_URL", "https://coder.example.com"}}}};
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                      {"cluster-resources/configmaps/coder.json", list({cm})}});
    CHECK(run_check(s, "access-url").outcome == Outcome::unknown);
  }

  TEST_CASE("recognises in-cluster Service hosts with a port or a short domain")
  {
    for (const char* url : {"http://coder.coder.svc:8080", "http://coder.coder.svc.cluster.local:80/"}) {
      const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json",
                                         list({coderd_deployment(3, Json::array({env("CODER_ACCESS_URL", url)}))})}});
      CHECK_MESSAGE(run_check(s, "access-url").outcome == Outcome::warn, url);
    }
  }
}
