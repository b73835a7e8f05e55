// Flags PersistentVolumeClaims that are Pending or Lost. A Pending workspace claim keeps the
// workspace from starting; a Lost claim has lost its volume, and with it the user's data.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

bool has_consumer(const Snapshot& snapshot, const PersistentVolumeClaim& c)
{
  for (const Pod& p : snapshot.pods) {
    if (p.meta.namespace_ != c.meta.namespace_) {
      continue;
    }
    for (const Volume& v : p.spec.volumes) {
      if (v.type == "persistentVolumeClaim" && v.detail == c.meta.name) {
        return true;
      }
    }
  }
  return false;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  for (const PersistentVolumeClaim& c : snapshot.pvcs) {
    const Evidence ev = evidence_at(c, "/status/phase", c.phase);
    if (c.phase == "Lost") {
      findings.push_back(finding(Outcome::fail,
                                 fmt::format("{} is Lost: its PersistentVolume {} no longer exists", describe(c),
                                             c.volume_name.empty() ? "(unnamed)" : c.volume_name),
                                 {ref(c)}, {ev}));
      continue;
    }
    if (c.phase != "Pending") {
      continue;
    }
    const StorageClass* sc = c.storage_class ? snapshot.find_storage_class(*c.storage_class) : snapshot.default_storage_class();
    std::string why;
    for (const Event& e : snapshot.events) {
      if (e.involved_kind == "PersistentVolumeClaim" && e.involved_namespace == c.meta.namespace_ &&
          e.involved_name == c.meta.name && e.type == "Warning") {
        why += fmt::format("; event {} x{}: {}", e.reason, e.count, excerpt(e.message, 160));
      }
    }
    const bool waiting = sc != nullptr && sc->binding_mode == "WaitForFirstConsumer";
    if (waiting && why.empty() && !has_consumer(snapshot, c)) {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("{} is Pending until a pod uses it (class {} binds WaitForFirstConsumer)",
                                             describe(c), sc->meta.name),
                                 {ref(c)}, {ev}));
      continue;
    }
    findings.push_back(finding(Outcome::warn, fmt::format("{} is Pending{}", describe(c), why), {ref(c)}, {ev}));
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} claim(s), none Pending or Lost", snapshot.pvcs.size())));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "pvc-binding",
  .area = "storage",
  .title = "PersistentVolumeClaims are bound",
  .description = "Flags claims that are Lost (fail) or Pending (warn, with the provisioner's events); claims "
                 "waiting for their first consumer are info.",
  .severity = Outcome::warn,
  .inputs = {"persistentvolumeclaims"},
  .remediation = "Read the claim's events (`kubectl describe pvc`): fix the provisioner's permissions or the class "
                 "name for Pending claims; restore Lost volumes from backup.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
