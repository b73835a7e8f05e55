// Flags PostgreSQL running inside the cluster. The validated architecture requires an external
// PostgreSQL (a managed service, with backups and high availability) in coderd's region; an
// in-cluster database shares the cluster's failure modes and usually its node-local storage.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::string storage_of(const Snapshot& snapshot, const std::string& ns, const PodSpec& spec)
{
  for (const Volume& v : spec.volumes) {
    if (v.type != "persistentVolumeClaim") {
      continue;
    }
    if (const PersistentVolumeClaim* c = snapshot.find_pvc(ns, v.detail); c != nullptr && c->storage_class) {
      return fmt::format(", data on claim {} (class {})", c->meta.name, *c->storage_class);
    }
  }
  return {};
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  for (const Workload* w : snapshot.coder.postgres_workloads) {
    std::string storage;
    for (const Pod* p : snapshot.pods_of(*w)) {
      storage = storage_of(snapshot, p->meta.namespace_, p->spec);
    }
    findings.push_back(finding(Outcome::warn,
                               fmt::format("PostgreSQL runs inside the cluster: {} ({}){}", describe(*w), w->role_reason,
                                           storage),
                               {ref(*w)}));
  }
  for (const Pod* p : snapshot.coder.postgres) {
    const bool via_workload = std::any_of(snapshot.coder.postgres_workloads.begin(), snapshot.coder.postgres_workloads.end(),
                                          [&](const Workload* w) {
                                            return w->meta.namespace_ == p->meta.namespace_ && w->kind == p->workload_kind &&
                                                   w->meta.name == p->workload_name;
                                          });
    if (!via_workload) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("PostgreSQL runs inside the cluster: {} ({}){}", describe(*p), p->role_reason,
                                             storage_of(snapshot, p->meta.namespace_, p->spec)),
                                 {ref(*p)}));
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, "no PostgreSQL pod or workload in the cluster input"));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "database-in-cluster",
  .area = "database",
  .title = "PostgreSQL runs outside the cluster",
  .description = "Flags PostgreSQL pods and workloads in the cluster (recognised by image, CloudNativePG labels or "
                 "chart names).",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Move Coder's database to a managed PostgreSQL (RDS, Cloud SQL, Azure Database) in coderd's region, "
                 "ideally its zone, with automated backups and high availability.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
