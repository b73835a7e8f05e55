#pragma once

#include <core/check/finding.hpp>
#include <core/check/runner.hpp>
#include <core/model/snapshot.hpp>

#include <string>
#include <string_view>
#include <vector>

// Small builders shared by analyzers, so each check file says only what it checks.
namespace cva {

// The reference to `object` for a finding.
ObjectRef ref(const KubeObject& object);

// `Kind namespace/name` (or `Kind name` for cluster-scoped objects).
std::string describe(const KubeObject& object);

// Evidence at `object`'s place in the bundle, `sub_pointer` appended to its JSON pointer
// (`/spec/replicas`), with the value seen there.
Evidence evidence_at(const KubeObject& object, std::string_view sub_pointer, std::string value);

// A finding about `objects`.
Finding finding(Outcome outcome, std::string message, std::vector<ObjectRef> objects = {},
                std::vector<Evidence> evidence = {});

// The JSON pointer of a container within a pod spec: `/spec/containers/0` (pods) or
// `/spec/template/spec/containers/0` (workloads, when `in_template`).
std::string container_pointer(const Container& container, bool in_template);

// A single `unknown` finding when neither pods nor workloads of Coder's control plane were found;
// empty when the control plane was found. `inputs` are the coverage keys that would have held it.
std::vector<Finding> missing_coderd(const Snapshot& snapshot);

// Common documentation pages.
inline constexpr std::string_view k_doc_cva = "https://coder.com/docs/admin/infrastructure/validated-architectures";
inline constexpr std::string_view k_doc_scale = "https://coder.com/docs/tutorials/best-practices/scale-coder";
inline constexpr std::string_view k_doc_k8s_install = "https://coder.com/docs/install/kubernetes";

} // namespace cva

namespace cva {

// A volume of a pod (or pod template) that lives on the node's disk: a `hostPath` volume, or a
// claim bound to a `local` or `hostPath` PersistentVolume.
struct HostVolume
{
  std::string volume;   // the pod volume's name
  std::string type;     // hostPath or local
  std::string path;     // the host path
  std::string pointer;  // JSON pointer of the pod volume, relative to the object
  const PersistentVolume* pv = nullptr;
};

struct HostVolumeScan
{
  std::vector<HostVolume> found;
  // Claims whose PersistentVolume could not be seen (claim or volume not collected, or unbound):
  // "claim-name (reason)".
  std::vector<std::string> unresolved;
};

// Finds host volumes in `spec` of an object in namespace `ns`; `in_template` selects the JSON
// pointer form of workloads.
HostVolumeScan scan_host_volumes(const Snapshot& snapshot, std::string_view ns, const PodSpec& spec,
                                 bool in_template);

// The pods with one of `roles`, plus the workloads with one of `roles` that have no pod in the
// input (stopped workspaces keep a Deployment scaled to zero), as the objects to inspect.
struct RoleObject
{
  const KubeObject* object = nullptr;
  const PodSpec* spec = nullptr;
  bool in_template = false;
};
std::vector<RoleObject> objects_with_roles(const Snapshot& snapshot, std::initializer_list<CoderRole> roles);

} // namespace cva
