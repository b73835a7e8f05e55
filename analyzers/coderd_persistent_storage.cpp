// Flags coderd with persistent volumes (claims, NFS, CSI, ...) or run as a StatefulSet. Coder's
// control plane is stateless ("its filesystem is ephemeral, so no persistent storage is
// required"): state belongs in PostgreSQL, and a volume ties replicas to zones and slows rollouts.
// Host volumes are the control-plane-host-volumes check.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

constexpr std::string_view k_ephemeral[] = {"configMap", "secret", "emptyDir", "projected", "downwardAPI",
                                            "hostPath", "local", ""};

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  for (const RoleObject& o : coderd_templates(snapshot)) {
    if (o.object->kind == "StatefulSet" && !json_array(json_at(*o.object->raw, "spec"), "volumeClaimTemplates").empty()) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} runs coderd with volumeClaimTemplates: every replica gets its own "
                                             "persistent volume",
                                             describe(*o.object)),
                                 {ref(*o.object)}, {evidence_at(*o.object, "/spec/volumeClaimTemplates", "present")}));
    }
    const std::string base = o.in_template ? "/spec/template/spec/volumes/" : "/spec/volumes/";
    for (std::size_t i = 0; i < o.spec->volumes.size(); ++i) {
      const Volume& v = o.spec->volumes[i];
      if (std::find(std::begin(k_ephemeral), std::end(k_ephemeral), v.type) != std::end(k_ephemeral)) {
        continue;
      }
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} mounts {} volume {}{}: coderd needs no persistent storage",
                                             describe(*o.object), v.type, v.name,
                                             v.detail.empty() ? std::string() : " (" + v.detail + ")"),
                                 {ref(*o.object)}, {evidence_at(*o.object, base + std::to_string(i), v.type + " " + v.detail)}));
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, "coderd mounts no persistent volumes"));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-persistent-storage",
  .area = "storage",
  .title = "coderd uses no persistent storage",
  .description = "Flags coderd pod templates with persistent volumes (claims, NFS, CSI, cloud disks) or "
                 "volumeClaimTemplates; ConfigMaps, Secrets, emptyDir and projected volumes are fine.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Remove the volume from `coder.volumes`/`coder.volumeMounts`: keep state in PostgreSQL and caches in "
                 "an emptyDir.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
