#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/provisioner-version-skew")
{
  TEST_CASE("flags provisioners a minor version behind, from images and the health report")
  {
    const Snapshot s = snapshot_from({
      {"cluster-resources/pods/coder.json",
       list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2", "ghcr.io/coder/coder:v2.16.0")})},
      {"coder/api/buildinfo.json", R"({"version": "v2.18.5+9c4e1b7"})"},
      {"coder/api/health.json",
       R"({"severity": "ok", "provisioner_daemons": {"severity": "warning", "items": [{"provisioner_daemon": {"name": "ext-1", "version": "v2.17.0"}, "warnings": []}]}})"},
    });
    const CheckResult r = run_check(s, "provisioner-version-skew");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings.size() == 2);
  }

  TEST_CASE("passes matching MAJOR.MINOR")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json",
                                       list({coderd_pod("coder-a", "n1"), provisioner_pod("prov-a", "n2", "ghcr.io/coder/coder:v2.18.2")})}});
    CHECK(run_check(s, "provisioner-version-skew").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when coderd's version cannot be read")
  {
    Json pod = coderd_pod("coder-a", "n1");
    pod["spec"]["containers"][0]["image"] = "ghcr.io/coder/coder:latest";
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({pod, provisioner_pod("prov-a", "n2")})}});
    CHECK(run_check(s, "provisioner-version-skew").outcome == Outcome::unknown);
  }

  TEST_CASE("is unknown, not pass, when neither pods, workloads nor the health report's daemons were seen")
  {
    const Snapshot s = snapshot_from({{"coder/api/buildinfo.json", R"({"version": "v2.18.5+9c4e1b7"})"}});
    CHECK(run_check(s, "provisioner-version-skew").outcome == Outcome::unknown);
  }
}
