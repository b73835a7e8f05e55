#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json postgres(std::string_view cpu, std::string_view memory)
{
  Json p = {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", "coder-db-0"}, {"namespace", "coder"}}},
            {"status", {{"phase", "Running"}}}};
  p["spec"]["containers"] = Json::array({{{"name", "postgresql"},
                                          {"image", "postgres:16"},
                                          {"resources", {{"requests", {{"cpu", cpu}, {"memory", memory}}}}}}});
  return p;
}
} // namespace

TEST_SUITE("analyzers/sizing-database")
{
  TEST_CASE("warns on an in-cluster PostgreSQL below the tier")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({postgres("250m", "256Mi")})}});
    AnalysisOptions options;
    options.users = 900;
    const CheckResult r = run_check(s, "sizing-database", options);
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("8 vCPU / 30 GB") != std::string::npos);
  }

  TEST_CASE("passes an in-cluster PostgreSQL at the tier; an external one is info")
  {
    AnalysisOptions options;
    options.users = 900;
    options.edition = Edition::previous; // 1k: 2 vCPU / 8 GB
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({postgres("2", "8Gi")})}});
    CHECK(run_check(s, "sizing-database", options).outcome == Outcome::pass);
    const Snapshot external = snapshot_from(
      {{"cluster-resources/pods/coder.json",
        list({coderd_pod("coder-a", "n1", Json::array({secret_env("CODER_PG_CONNECTION_URL", "coder-db-url", "url")}))})}});
    const CheckResult r = run_check(external, "sizing-database", options);
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("the database is outside the cluster, so its size cannot be seen") != std::string::npos);
  }

  TEST_CASE("says when coderd runs its built-in database rather than calling it external")
  {
    AnalysisOptions options;
    options.users = 900;
    const Snapshot builtin = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    const CheckResult r = run_check(builtin, "sizing-database", options);
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("built-in PostgreSQL") != std::string::npos);
    CHECK(r.findings[0].message.find("outside the cluster") == std::string::npos);
  }

  TEST_CASE("is unknown without a user count")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({postgres("2", "8Gi")})}});
    CHECK(run_check(s, "sizing-database").outcome == Outcome::unknown);
  }

  TEST_CASE("judges the PostgreSQL container, not its sidecars")
  {
    Json p = postgres("8", "30Gi");
    p["spec"]["containers"].push_back({{"name", "metrics"},
                                       {"image", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"},
                                       {"resources", {{"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}}}}});
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({p})}});
    AnalysisOptions options;
    options.users = 900;
    const CheckResult r = run_check(s, "sizing-database", options);
    CHECK(r.outcome == Outcome::pass);
    CHECK(r.findings.size() == 1);
  }
}
