// Flags workspace volumes of types Coder has not validated. The validated list is
// PersistentVolumeClaim, NFS, subPath mounts and CephFS; ConfigMap, Secret, emptyDir, projected
// and downwardAPI volumes carry no user data and are fine. Host volumes are the
// workspace-host-volumes check.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace {

using namespace cva;

constexpr std::string_view k_accepted[] = {"persistentVolumeClaim", "nfs", "cephfs", "ephemeral", "configMap",
                                           "secret", "emptyDir", "projected", "downwardAPI", "hostPath", "local", ""};

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const auto objects = objects_with_roles(snapshot, {CoderRole::workspace});
  if (objects.empty()) {
    return {finding(Outcome::unknown, "no workspace pods or templates in the input")};
  }
  std::map<std::string, std::vector<const RoleObject*>> by_type;
  std::map<std::string, std::vector<Evidence>> evidence;
  for (const RoleObject& o : objects) {
    const std::string base = o.in_template ? "/spec/template/spec/volumes/" : "/spec/volumes/";
    for (std::size_t i = 0; i < o.spec->volumes.size(); ++i) {
      const Volume& v = o.spec->volumes[i];
      if (std::find(std::begin(k_accepted), std::end(k_accepted), v.type) != std::end(k_accepted)) {
        continue;
      }
      by_type[v.type].push_back(&o);
      evidence[v.type].push_back(
        evidence_at(*o.object, base + std::to_string(i), v.detail.empty() ? v.type : v.type + " " + v.detail));
    }
  }
  std::vector<Finding> findings;
  for (const auto& [type, list] : by_type) {
    std::vector<ObjectRef> refs;
    std::vector<std::string> names;
    for (const RoleObject* o : list) {
      refs.push_back(ref(*o->object));
      if (names.size() < 5) {
        names.push_back(describe(*o->object));
      }
    }
    findings.push_back(finding(Outcome::warn,
                               fmt::format("{} workspace volume(s) of type {}, which Coder has not validated: {}",
                                           list.size(), type, fmt::join(names, ", ")),
                               std::move(refs), std::move(evidence[type])));
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} workspace pod(s) or template(s) use only validated volume "
                                                          "types (PVC, NFS, CephFS) and configuration volumes",
                                                          objects.size())));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspace-volume-types",
  .area = "storage",
  .title = "Workspace volumes are of validated types",
  .description = "Flags workspace volumes other than PersistentVolumeClaim, NFS, CephFS (subPath mounts are fine) "
                 "and configuration volumes (ConfigMap, Secret, emptyDir, projected, downwardAPI).",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Back workspace data with a PersistentVolumeClaim on a CSI class, or NFS/CephFS for shared data.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
