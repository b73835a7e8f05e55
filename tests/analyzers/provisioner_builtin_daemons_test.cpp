#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/provisioner-builtin-daemons")
{
  TEST_CASE("flags the default built-in daemons beside external provisioners")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2")})}});
    const CheckResult r = run_check(s, "provisioner-builtin-daemons");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("default 3") != std::string::npos);
  }

  TEST_CASE("reads the support bundle's value_source, and passes daemons=0 with external provisioners")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2")})},
      {"coder/support-bundle/deployment/config.json",
       R"({"config": {}, "options": [{"env": "CODER_PROVISIONER_DAEMONS", "value": "0", "value_source": "env"}]})"},
    });
    const CheckResult r = run_check(s, "provisioner-builtin-daemons");
    CHECK(r.outcome == Outcome::pass);
    CHECK(r.findings[0].evidence.front().path == "coder/support-bundle/deployment/config.json");
    const Snapshot env0 = snapshot_from({{"cluster-resources/pods/coder.json",
                                          list({coderd_pod("coder-a", "n1", Json::array({env("CODER_PROVISIONER_DAEMONS", "0")})),
                                                provisioner_pod("prov-a", "n2")})}});
    CHECK(run_check(env0, "provisioner-builtin-daemons").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the setting comes from a ConfigMap that was not collected")
  {
    Json pod = with(coderd_pod("coder-a", "n1"), "/spec/containers/0/envFrom",
                    Json::array({{{"configMapRef", {{"name", "coder-env"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({pod, provisioner_pod("prov-a", "n2")})}});
    CHECK(run_check(s, "provisioner-builtin-daemons").outcome == Outcome::unknown);
  }
}

TEST_SUITE("analyzers/provisioner-builtin-daemons")
{
  TEST_CASE("a support bundle alone: unknown external provisioners, unless built-in daemons are off")
  {
    const std::string health =
      R"({"provisioner_daemons": {"severity": "ok", "items": [{"provisioner_daemon": {"name": "p-1", "version": "v2.18.5"}}]}})";
    const Snapshot on = snapshot_from({
      {"coder/support-bundle/deployment/config.json",
       R"({"options": [{"env": "CODER_PROVISIONER_DAEMONS", "value": "3", "value_source": "default"}]})"},
      {"coder/support-bundle/deployment/health.json", health},
    });
    CHECK(run_check(on, "provisioner-builtin-daemons").outcome == Outcome::unknown);
    const Snapshot off = snapshot_from({
      {"coder/support-bundle/deployment/config.json",
       R"({"options": [{"env": "CODER_PROVISIONER_DAEMONS", "value": "0", "value_source": "env"}]})"},
      {"coder/support-bundle/deployment/health.json", health},
    });
    CHECK(run_check(off, "provisioner-builtin-daemons").outcome == Outcome::pass);
  }
}
