#include "helpers.hpp"

#include <fmt/format.h>

namespace cva {

ObjectRef ref(const KubeObject& object)
{
  return ObjectRef{object.kind, object.meta.namespace_, object.meta.name};
}

std::string describe(const KubeObject& object)
{
  return object.meta.namespace_.empty() ? fmt::format("{} {}", object.kind, object.meta.name)
                                        : fmt::format("{} {}/{}", object.kind, object.meta.namespace_, object.meta.name);
}

Evidence evidence_at(const KubeObject& object, std::string_view sub_pointer, std::string value)
{
  return Evidence{object.source.path, object.source.pointer + std::string(sub_pointer), excerpt(value)};
}

Finding finding(Outcome outcome, std::string message, std::vector<ObjectRef> objects,
                std::vector<Evidence> evidence)
{
  return Finding{outcome, std::move(message), std::move(objects), std::move(evidence)};
}

std::string container_pointer(const Container& container, bool in_template)
{
  return fmt::format("{}/{}/{}", in_template ? "/spec/template/spec" : "/spec",
                     container.init ? "initContainers" : "containers", container.index);
}

std::vector<Finding> missing_coderd(const Snapshot& snapshot)
{
  if (!snapshot.coder.coderd.empty() || !snapshot.coder.coderd_workloads.empty()) {
    return {};
  }
  const Coverage& pods = snapshot.coverage("pods");
  const Coverage& deployments = snapshot.coverage("deployments");
  if (!pods.usable() && !deployments.usable()) {
    return {finding(Outcome::unknown,
                    fmt::format("coderd could not be looked for: pods {} ({}), deployments {} ({})",
                                to_string(pods.state), pods.message, to_string(deployments.state),
                                deployments.message))};
  }
  return {finding(Outcome::unknown,
                  "no coderd found: no pod or Deployment has the Helm chart's shape "
                  "(label app.kubernetes.io/name=coder, container `coder` running `server`)")};
}

} // namespace cva

namespace cva {

HostVolumeScan scan_host_volumes(const Snapshot& snapshot, std::string_view ns, const PodSpec& spec,
                                 bool in_template)
{
  HostVolumeScan scan;
  const std::string base = in_template ? "/spec/template/spec/volumes/" : "/spec/volumes/";
  for (std::size_t i = 0; i < spec.volumes.size(); ++i) {
    const Volume& v = spec.volumes[i];
    const std::string pointer = base + std::to_string(i);
    if (v.type == "hostPath") {
      scan.found.push_back(HostVolume{v.name, "hostPath", v.detail, pointer, nullptr});
      continue;
    }
    if (v.type != "persistentVolumeClaim") {
      continue;
    }
    const PersistentVolumeClaim* pvc = snapshot.find_pvc(ns, v.detail);
    if (pvc == nullptr) {
      const Coverage& c = snapshot.coverage("persistentvolumeclaims");
      scan.unresolved.push_back(
        fmt::format("{} (claim {})", v.detail, c.usable() ? "not found" : std::string(to_string(c.state))));
      continue;
    }
    if (pvc->volume_name.empty()) {
      // Unbound: the class decides what it will get; a no-provisioner class means local volumes.
      const StorageClass* sc = pvc->storage_class ? snapshot.find_storage_class(*pvc->storage_class)
                                                  : snapshot.default_storage_class();
      if (sc != nullptr && sc->provisioner == "kubernetes.io/no-provisioner") {
        scan.found.push_back(HostVolume{v.name, "local", fmt::format("(StorageClass {} has no provisioner)", sc->meta.name),
                                        pointer, nullptr});
      }
      continue;
    }
    const PersistentVolume* pv = snapshot.find_pv(pvc->volume_name);
    if (pv == nullptr) {
      const Coverage& c = snapshot.coverage("persistentvolumes");
      scan.unresolved.push_back(fmt::format("{} (volume {} {})", v.detail, pvc->volume_name,
                                            c.usable() ? "not found" : std::string(to_string(c.state))));
      continue;
    }
    if (pv->type == "hostPath" || pv->type == "local") {
      scan.found.push_back(HostVolume{v.name, pv->type, pv->detail, pointer, pv});
    }
  }
  return scan;
}

std::vector<RoleObject> objects_with_roles(const Snapshot& snapshot, std::initializer_list<CoderRole> roles)
{
  const auto wanted = [&](CoderRole r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  std::vector<RoleObject> out;
  for (const Pod& p : snapshot.pods) {
    if (wanted(p.role)) {
      out.push_back(RoleObject{&p, &p.spec, false});
    }
  }
  for (const Workload& w : snapshot.workloads) {
    if (wanted(w.role) && snapshot.pods_of(w).empty()) {
      out.push_back(RoleObject{&w, &w.template_spec, true});
    }
  }
  return out;
}

} // namespace cva
