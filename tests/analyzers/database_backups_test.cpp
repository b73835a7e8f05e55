#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
const Json k_pg = {{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", {{"name", "coder-db-0"}, {"namespace", "coder"}}},
                   {"spec", {{"containers", Json::array({{{"name", "postgresql"}, {"image", "postgres:16"}}})}}},
                   {"status", {{"phase", "Running"}}}};
Json cronjob(std::string_view name, std::string_view command)
{
  const Json container = {{"name", "job"}, {"image", "postgres:16"}, {"command", {"sh", "-c", command}}};
  Json job = {{"apiVersion", "batch/v1"}, {"kind", "CronJob"}, {"metadata", {{"name", name}, {"namespace", "coder"}}}};
  job["spec"]["schedule"] = "0 2 * * *";
  job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"] = Json::array({container});
  return job;
}
} // namespace

TEST_SUITE("analyzers/database-backups")
{
  TEST_CASE("warns on in-cluster PostgreSQL without backup jobs")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({k_pg})},
                                      {"cluster-resources/cronjobs/coder.json", list({cronjob("cleanup", "echo vacuum")})}});
    CHECK(run_check(s, "database-backups").outcome == Outcome::warn);
  }

  TEST_CASE("passes with a pg_dump CronJob; an external database is info")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({k_pg})},
                                      {"cluster-resources/cronjobs/coder.json", list({cronjob("nightly", "pg_dump coder > /b/x.sql")})}});
    CHECK(run_check(s, "database-backups").outcome == Outcome::pass);
    const Snapshot external = snapshot_from({{"cluster-resources/deployments/coder.json",
                                              list({coderd_deployment(3, Json::array({secret_env("CODER_PG_CONNECTION_URL", "db", "url")}))})},
                                             {"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})}});
    CHECK(run_check(external, "database-backups").outcome == Outcome::info);
  }

  TEST_CASE("is unknown when CronJobs were forbidden, or pods were not collected")
  {
    const Snapshot no_pods = snapshot_from({{"cluster-resources/deployments/coder.json",
                                             list({coderd_deployment(3, Json::array({secret_env("CODER_PG_CONNECTION_URL", "db", "url")}))})}});
    CHECK(run_check(no_pods, "database-backups").outcome == Outcome::unknown);
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({k_pg})},
                                      {"cluster-resources/cronjobs-errors.json", R"(["cronjobs.batch is forbidden"])"}});
    CHECK(run_check(s, "database-backups").outcome == Outcome::unknown);
  }
}
