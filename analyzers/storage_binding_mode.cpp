// Flags block-storage classes that bind Immediately in a multi-zone cluster. Immediate binding
// creates the volume before the pod is scheduled, in a zone the scheduler did not choose; the
// workspace can then only start in that zone, and stays Pending when it is full.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::set<std::string> zones;
  bool unlabelled = false;
  for (const Node& n : snapshot.nodes) {
    if (n.zone.empty()) {
      unlabelled = true;
    } else {
      zones.insert(n.zone);
    }
  }
  if (zones.empty()) {
    return {finding(unlabelled ? Outcome::unknown : Outcome::info,
                    unlabelled ? "no node carries a topology.kubernetes.io/zone label, so whether the cluster spans "
                                 "zones is unknown"
                               : "no nodes in the input")};
  }
  if (zones.size() == 1) {
    return {finding(Outcome::pass, fmt::format("the cluster runs in a single zone ({}), so binding mode does not matter",
                                               *zones.begin()))};
  }
  std::set<std::string> used;
  for (const PersistentVolumeClaim& c : snapshot.pvcs) {
    if (c.storage_class) {
      used.insert(*c.storage_class);
    }
  }
  std::vector<Finding> findings;
  for (const StorageClass& sc : snapshot.storage_classes) {
    if (sc.binding_mode != "Immediate" || is_shared_filesystem_provisioner(sc.provisioner)) {
      continue;
    }
    if (!sc.is_default && !used.contains(sc.meta.name)) {
      continue;
    }
    findings.push_back(finding(Outcome::warn,
                               fmt::format("StorageClass {}{} ({}) binds Immediately in a cluster with {} zones ({}): "
                                           "volumes are placed before their pod is scheduled",
                                           sc.meta.name, sc.is_default ? " (default)" : "", sc.provisioner, zones.size(),
                                           fmt::join(zones, ", ")),
                               {ref(sc)}, {evidence_at(sc, "/volumeBindingMode", sc.binding_mode)}));
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("the default and used block StorageClasses bind "
                                                          "WaitForFirstConsumer across {} zones",
                                                          zones.size())));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "storage-binding-mode",
  .area = "storage",
  .title = "Block storage binds WaitForFirstConsumer in multi-zone clusters",
  .description = "Flags the default or used StorageClasses with `volumeBindingMode: Immediate` when nodes span "
                 "several zones (shared file systems are exempt).",
  .severity = Outcome::warn,
  .inputs = {"storageclasses", "nodes"},
  .remediation = "Create the StorageClass with `volumeBindingMode: WaitForFirstConsumer` (the field is immutable: "
                 "make a new class and move the default annotation and templates to it).",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
