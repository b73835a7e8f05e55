// Looks for signs of database backups. For PostgreSQL in the cluster: a CronJob or Velero
// schedule that backs it up, or a CloudNativePG backup. Backups of an external database are
// invisible from the cluster, so then the honest answer is "cannot see; confirm them" (Coder
// cannot be downgraded without restoring one).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

namespace {

using namespace cva;

std::vector<std::string> backup_signs(const Snapshot& snapshot)
{
  static const RE2 k_backup(R"((?i)(pg_dump|pg_basebackup|pgbackrest|wal-g|barman|backup))");
  std::vector<std::string> signs;
  for (const ResourceData& d : snapshot.store().all()) {
    const std::string name = d.type.qualified_name();
    if (name == "cronjobs.batch") {
      for (const StoredObject& so : d.objects) {
        if (RE2::PartialMatch(so.object->dump(), k_backup)) {
          signs.push_back(fmt::format("CronJob {}/{}", json_string(json_at(*so.object, "metadata"), "namespace"),
                                      json_string(json_at(*so.object, "metadata"), "name")));
        }
      }
    } else if ((name.starts_with("schedules.velero.io") || name.starts_with("scheduledbackups.postgresql.cnpg.io") ||
                name.starts_with("backups.postgresql.cnpg.io")) && !d.objects.empty()) {
      signs.push_back(fmt::format("{} {}", d.objects.size(), name));
    }
  }
  return signs;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const bool in_cluster = !snapshot.coder.postgres.empty() || !snapshot.coder.postgres_workloads.empty();
  const std::vector<std::string> signs = backup_signs(snapshot);
  if (!in_cluster) {
    const ServerSetting s = server_setting(snapshot, "CODER_PG_CONNECTION_URL");
    if (s.state == ServerSetting::State::unset) {
      return {finding(Outcome::fail, "coderd uses its built-in database (no CODER_PG_CONNECTION_URL), which nothing "
                                     "backs up",
                      {}, setting_evidence(s))};
    }
    if (!snapshot.coverage("pods").usable()) {
      return {finding(Outcome::unknown, "pods were not collected, so whether PostgreSQL runs in the cluster is unknown; "
                                        "if it is external, its backups cannot be seen from here")};
    }
    return {finding(Outcome::info, "PostgreSQL is outside the cluster, so its backups cannot be seen from here: confirm "
                                   "automated backups and point-in-time recovery on the database service, and take one "
                                   "before every Coder upgrade")};
  }
  if (!signs.empty()) {
    return {finding(Outcome::pass, fmt::format("PostgreSQL runs in the cluster and backups are scheduled: {}",
                                               fmt::join(signs, ", ")))};
  }
  const Coverage& cronjobs = snapshot.coverage("cronjobs");
  if (!cronjobs.usable()) {
    return {finding(Outcome::unknown,
                    fmt::format("PostgreSQL runs in the cluster, and CronJobs were not collected ({}), so backup jobs "
                                "could not be looked for",
                                cronjobs.message.empty() ? to_string(cronjobs.state) : std::string_view(cronjobs.message)))};
  }
  return {finding(Outcome::warn, "PostgreSQL runs in the cluster and no backup was found: no CronJob running pg_dump or "
                                 "a backup tool, no Velero schedule, no CloudNativePG backup")};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "database-backups",
  .area = "database",
  .title = "The database is backed up",
  .description = "For PostgreSQL in the cluster, looks for backup CronJobs, Velero schedules or CloudNativePG "
                 "backups (warn when none); for an external database, says that its backups cannot be seen (info).",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Use a managed PostgreSQL with automated backups and point-in-time recovery, and take a backup "
                 "before each upgrade: Coder does not support downgrades without restoring one.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
