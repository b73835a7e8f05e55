#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/database-in-cluster")
{
  TEST_CASE("flags a PostgreSQL pod in the cluster")
  {
    Json pg = {{"apiVersion", "v1"},
               {"kind", "Pod"},
               {"metadata", {{"name", "coder-db-0"}, {"namespace", "coder"}}},
               {"spec", {{"containers", Json::array({{{"name", "postgresql"}, {"image", "docker.io/bitnami/postgresql:16.2.0"}}})}}},
               {"status", {{"phase", "Running"}}}};
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), pg})}});
    const CheckResult r = run_check(s, "database-in-cluster");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].objects[0].name == "coder-db-0");
  }

  TEST_CASE("passes a cluster without PostgreSQL")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(s, "database-in-cluster").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "database-in-cluster").outcome == Outcome::unknown);
  }

  TEST_CASE("does not take the observability bundle's postgres-exporter for a database")
  {
    // coder-observability runs a `postgres-exporter` StatefulSet that watches the external database.
    Json exporter = {{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata", {{"name", "postgres-exporter-0"}, {"namespace", "coder-observability"},
                                   {"labels", {{"app", "postgres-exporter"}, {"app.kubernetes.io/name", "database-stats"}}}}},
                     {"spec", {{"containers", Json::array({{{"name", "exporter"},
                                                            {"image", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"}}})}}},
                     {"status", {{"phase", "Running"}}}};
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), exporter})}});
    CHECK(run_check(s, "database-in-cluster").outcome == Outcome::pass);
  }
}
