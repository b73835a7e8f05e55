// Flags coderd, provisioner and workspace-proxy pods with node-local storage. The control plane
// is stateless by design ("its filesystem is ephemeral"); host volumes pin it to one node and
// hint at state that will be lost when the pod moves.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const auto objects = objects_with_roles(
    snapshot, {CoderRole::coderd, CoderRole::provisioner, CoderRole::workspace_proxy});
  int checked = 0;
  for (const RoleObject& o : objects) {
    ++checked;
    const HostVolumeScan scan = scan_host_volumes(snapshot, o.object->meta.namespace_, *o.spec, o.in_template);
    for (const HostVolume& hv : scan.found) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} mounts volume {} from the node's disk ({} {}); the control plane "
                                             "needs no persistent storage",
                                             describe(*o.object), hv.volume, hv.type, hv.path),
                                 {ref(*o.object)}, {evidence_at(*o.object, hv.pointer, hv.type + " " + hv.path)}));
    }
    if (!scan.unresolved.empty()) {
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("{}: could not see where claim(s) {} are stored", describe(*o.object),
                                             fmt::join(scan.unresolved, ", ")),
                                 {ref(*o.object)}));
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} control-plane pod(s) or template(s) checked: no "
                                                          "hostPath or local volumes",
                                                          checked)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "control-plane-host-volumes",
  .area = "storage",
  .title = "The control plane uses no hostPath or local volumes",
  .description = "Flags coderd, provisioner and workspace-proxy pods with hostPath volumes or claims bound to "
                 "local or hostPath PersistentVolumes.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Remove host volumes from coderd, provisioners and proxies (`coder.volumes` in the Helm values); "
                 "the control plane is stateless, and its data belongs in PostgreSQL.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
