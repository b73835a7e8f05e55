// Flags workspaces whose storage lives on a node's own disk (hostPath volumes, or claims bound to
// local or hostPath PersistentVolumes). Such a home directory is lost or stranded when the node
// is replaced or scaled away, which the workspace node group is designed to do.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  const auto objects = objects_with_roles(snapshot, {CoderRole::workspace});
  if (objects.empty()) {
    return {finding(Outcome::unknown, "no workspace pods or workspace templates were found, so their volumes "
                                      "could not be checked")};
  }
  int clean = 0;
  for (const RoleObject& o : objects) {
    const HostVolumeScan scan = scan_host_volumes(snapshot, o.object->meta.namespace_, *o.spec, o.in_template);
    for (const HostVolume& hv : scan.found) {
      std::vector<ObjectRef> refs{ref(*o.object)};
      std::vector<Evidence> evidence{evidence_at(*o.object, hv.pointer, fmt::format("{} {}", hv.type, hv.path))};
      if (hv.pv != nullptr) {
        refs.push_back(ref(*hv.pv));
        evidence.push_back(evidence_at(*hv.pv, "/spec/" + hv.type, hv.path));
      }
      findings.push_back(finding(Outcome::fail,
                                 fmt::format("workspace {} mounts volume {} from the node's disk ({} {}): its data "
                                             "is lost or stranded when the node goes away",
                                             describe(*o.object), hv.volume, hv.type, hv.path),
                                 std::move(refs), std::move(evidence)));
    }
    if (!scan.unresolved.empty()) {
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("workspace {}: could not see where claim(s) {} are stored",
                                             describe(*o.object), fmt::join(scan.unresolved, ", ")),
                                 {ref(*o.object)}));
    }
    if (scan.found.empty() && scan.unresolved.empty()) {
      ++clean;
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} workspace(s) checked: none mounts hostPath or local "
                                                          "volumes",
                                                          clean)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspace-host-volumes",
  .area = "storage",
  .title = "Workspaces use no hostPath or local volumes",
  .description = "Flags workspace pods and templates with hostPath volumes or claims bound to local or hostPath "
                 "PersistentVolumes; the validated architecture does not recommend either.",
  .severity = Outcome::fail,
  .inputs = {"pods"},
  .remediation = "Give workspaces a PersistentVolumeClaim on a CSI StorageClass with dynamic provisioning (or "
                 "NFS/cephfs) in the template, instead of hostPath or local volumes.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
