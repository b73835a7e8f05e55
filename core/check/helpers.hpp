#pragma once

#include <core/check/finding.hpp>
#include <core/check/runner.hpp>
#include <core/model/coder_health.hpp>
#include <core/model/coder_settings.hpp>
#include <core/model/snapshot.hpp>
#include <core/model/tiers.hpp>

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

// The labels its pods carry: the pod's own, or a workload's pod template labels.
const StringMap& pod_labels(const RoleObject& object);

// The annotations its pods carry: the pod's own, or a workload's pod template annotations.
const StringMap& pod_annotations(const RoleObject& object);

} // namespace cva

namespace cva {

// Evidence lines for a server setting: the support bundle's option and/or the coderd env.
std::vector<Evidence> setting_evidence(const ServerSetting& setting);

// The pod templates of every workload with one of `roles`, plus the pods with one of `roles` whose
// workload is not in the input: each pod spec once, with the object that owns it.
std::vector<RoleObject> templates_with_roles(const Snapshot& snapshot, std::initializer_list<CoderRole> roles);

// The coderd pod templates to inspect: the coderd Deployments (or other workloads) when the input
// has them, else the coderd pods themselves.
std::vector<RoleObject> coderd_templates(const Snapshot& snapshot);

// The number of coderd replicas: desired replicas of the coderd workloads, else the pod count.
int coderd_replica_count(const Snapshot& snapshot);

// The number of external provisioner daemons: desired replicas of provisioner workloads, plus
// provisioner pods without a workload in the input (one daemon per pod, as the chart runs them).
int external_provisioner_count(const Snapshot& snapshot);

// How many provisioner daemons the deployment runs, from the cluster input and the health report.
struct ProvisionerCapacity
{
  ServerSetting setting;                   // CODER_PROVISIONER_DAEMONS
  std::optional<int> builtin_per_replica; // nullopt when the setting's value is unseen
  int coderd_replicas = 0;
  bool cluster_known = false; // coderd and provisioner pods or workloads could be counted
  int external = 0;           // external provisioner daemons in the cluster input
  int health_external = -1;   // daemons in the health report not running inside coderd; -1 unknown
  int health_builtin = -1;    // daemons in the health report running inside coderd; -1 unknown
  int health_total = -1;      // daemons the health report lists; -1 without that section

  // Built-in daemons across all replicas, when known.
  std::optional<int> builtin() const;
  // External provisioners seen anywhere (cluster or health report), when known.
  std::optional<int> external_seen() const;
  // Every daemon: built-in plus external, else the health report's count.
  std::optional<int> total() const;
  // "5 daemon(s) (2 external, 3 built-in)", or what is known of it.
  std::string describe() const;
};

ProvisionerCapacity provisioner_capacity(const Snapshot& snapshot);

// The tier a sizing check compares against, with the user count and where both came from.
struct SizingBasis
{
  std::string tier;
  std::optional<int> users;
  std::string source;   // "--config tier", "--config users", or the observed source
  std::vector<Evidence> evidence;
  const TierSpec* spec = nullptr;
  Edition edition = Edition::current;
};

// The sizing basis from the user's settings (`tier`, then `users`) or the observed user count;
// nullopt when no user count or tier is known.
std::optional<SizingBasis> sizing_basis(const Snapshot& snapshot, const AnalysisOptions& options);

// The `unknown` finding of a check about a server setting that was seen nowhere (no coderd in the
// cluster input and no deployment config); empty when `setting` has a source.
std::vector<Finding> missing_setting(const Snapshot& snapshot, const ServerSetting& setting);

// Bytes in a GiB, for comparing memory quantities with the reference's GB figures.
inline constexpr double k_gib = 1024.0 * 1024 * 1024;

// The `unknown` finding of a check that needs a user count it could not find.
Finding no_user_count(std::string_view what);

// "the current reference architectures (...), tier 2k (2140 users: <source>)": the preamble of
// sizing findings.
std::string describe_basis(const SizingBasis& basis);

// The image tag (after the last ':' past the last '/'), empty when there is none; `digest` is set
// when the image is pinned by digest.
std::string image_tag(std::string_view image, bool* digest = nullptr);

// MAJOR.MINOR of a Coder version or image tag (`v2.16.1+2f7a1c5`, `2.16.1`), or nullopt.
std::optional<std::pair<int, int>> major_minor(std::string_view version);

// Findings for one section of Coder's health report: its severity mapped to an outcome (error ->
// fail, warning -> warn, ok -> pass), every code with its meaning and what to do, and `info` for
// a dismissed section (with what it hides). `unknown` when the report lacks the section.
std::vector<Finding> health_section_findings(const Snapshot& snapshot, std::string_view key);

// Storage provisioner facts. In-tree: `kubernetes.io/*` volume plugins (deprecated, most removed),
// except `kubernetes.io/no-provisioner`.
bool is_in_tree_provisioner(std::string_view provisioner);
// The CSI driver an in-tree provisioner migrates to (`kubernetes.io/aws-ebs` -> `ebs.csi.aws.com`),
// empty when none is known.
std::string_view csi_migration_target(std::string_view provisioner);
// Provisioners whose volumes live on one node's disk (no-provisioner, local-path, OpenEBS local).
bool is_node_local_provisioner(std::string_view provisioner);
// Provisioners of shared network file systems (NFS, EFS, Filestore, Azure Files, CephFS), whose
// volumes are reachable from any zone.
bool is_shared_filesystem_provisioner(std::string_view provisioner);

// Claims that belong to workspaces: mounted by workspace pods or templates, or carrying Coder's
// workspace labels (`com.coder.workspace.id`, `app.kubernetes.io/name=coder-pvc`).
std::vector<const PersistentVolumeClaim*> workspace_pvcs(const Snapshot& snapshot);

// Common documentation pages.
inline constexpr std::string_view k_doc_health = "https://coder.com/docs/admin/monitoring/health-check";
inline constexpr std::string_view k_doc_prometheus = "https://coder.com/docs/admin/integrations/prometheus";
inline constexpr std::string_view k_doc_provisioners = "https://coder.com/docs/admin/provisioners";
inline constexpr std::string_view k_doc_scale_testing = "https://coder.com/docs/admin/infrastructure/scale-testing";
inline constexpr std::string_view k_doc_1k = "https://coder.com/docs/admin/infrastructure/validated-architectures/1k-users";

} // namespace cva
