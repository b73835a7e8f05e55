#pragma once

#include <core/bundle/bundle.hpp>
#include <core/bundle/input.hpp>
#include <core/bundle/resources.hpp>
#include <core/model/labels.hpp>
#include <core/model/quantity.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// Where an object sits in the bundle: file and JSON pointer, for evidence.
struct Source
{
  std::string path;
  std::string pointer;
};

struct OwnerReference
{
  std::string kind;
  std::string name;
  bool controller = false;
};

struct ObjectMeta
{
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string creation_timestamp;
  StringMap labels;
  StringMap annotations;
  std::vector<OwnerReference> owners;
};

// Fields every typed object shares: its kind, metadata, the raw JSON and where it came from.
struct KubeObject
{
  std::string kind;
  ObjectMeta meta;
  Source source;
  const Json* raw = nullptr;
};

// What a Coder deployment's pods and workloads are, by the rules of
// reference/coder-cva.md section 7.
enum class CoderRole
{
  none,
  coderd,
  workspace_proxy,
  provisioner,
  workspace,
  postgres,
};

std::string_view to_string(CoderRole role);

struct Resources
{
  std::optional<Quantity> cpu_request;
  std::optional<Quantity> cpu_limit;
  std::optional<Quantity> memory_request;
  std::optional<Quantity> memory_limit;
};

struct EnvVar
{
  std::string name;
  std::optional<std::string> value; // a literal `value`
  std::string from_kind;            // secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef
  std::string from_name;            // the Secret or ConfigMap name, or the field path
  std::string from_key;
};

struct EnvFromSource
{
  std::string kind; // configMapRef or secretRef
  std::string name;
  std::string prefix;
};

struct ContainerPort
{
  std::string name;
  int port = 0;
  std::string protocol = "TCP";
};

struct VolumeMount
{
  std::string name;
  std::string mount_path;
  std::string sub_path;
  bool read_only = false;
};

struct Container
{
  std::string name;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  std::vector<EnvFromSource> env_from;
  std::vector<ContainerPort> ports;
  std::vector<VolumeMount> mounts;
  Resources resources;
  bool init = false;
  std::size_t index = 0; // position in containers or initContainers

  const EnvVar* find_env(std::string_view name) const;
};

// A pod volume. `type` is the volume source's key (`hostPath`, `persistentVolumeClaim`, `nfs`,
// `emptyDir`, `csi`, `ephemeral`, ...); `detail` is its main field (host path, claim name,
// server:path).
struct Volume
{
  std::string name;
  std::string type;
  std::string detail;
};

struct Toleration
{
  std::string key;
  std::string op;
  std::string value;
  std::string effect;
};

struct PodSpec
{
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  std::vector<Volume> volumes;
  StringMap node_selector;
  std::vector<Toleration> tolerations;
  const Json* affinity = nullptr; // raw spec.affinity, or nullptr
  bool has_node_affinity = false;
  bool has_pod_anti_affinity = false;
  bool has_topology_spread = false;
  bool host_network = false;
  std::string service_account;
  std::string priority_class;

  // Containers then init containers.
  std::vector<const Container*> all_containers() const;
  const Volume* find_volume(std::string_view name) const;
};

struct ContainerStatus
{
  std::string name;
  bool init = false;
  bool ready = false;
  int restart_count = 0;
  std::string state;  // running, waiting, terminated
  std::string reason; // of the current state
  std::string last_terminated_reason;
  int last_exit_code = 0;
  std::string image;
};

struct Pod : KubeObject
{
  PodSpec spec;
  std::string node_name;
  std::string phase;
  std::string reason;
  std::string pod_ip;
  std::string start_time;
  std::vector<ContainerStatus> statuses;
  bool unschedulable = false; // PodScheduled=False with reason Unschedulable
  std::string unschedulable_message;
  bool synthesized = false;
  // The controlling workload, resolved through ReplicaSets to Deployments.
  std::string workload_kind;
  std::string workload_name;
  CoderRole role = CoderRole::none;
  std::string role_reason;

  int restarts() const;
  bool ready() const;
};

enum class Autoscaling
{
  unknown,
  fixed,      // evidence the group does not scale
  autoscaled, // a Cluster Autoscaler group or Karpenter-managed node
};

std::string_view to_string(Autoscaling a);

struct Taint
{
  std::string key;
  std::string value;
  std::string effect;
};

struct Node : KubeObject
{
  std::optional<Quantity> cpu_capacity;
  std::optional<Quantity> memory_capacity;
  std::optional<Quantity> cpu_allocatable;
  std::optional<Quantity> memory_allocatable;
  std::vector<Taint> taints;
  bool unschedulable = false;
  bool ready = false;
  std::string kubelet_version;
  std::string os_image;
  std::string container_runtime;
  std::string internal_ip;
  std::string zone;
  std::string region;
  std::string instance_type;
  std::vector<std::string> roles; // node-role.kubernetes.io/<role>
  // Node group: the label value and the label it came from (empty when none is known).
  std::string group;
  std::string group_label;
  std::string provider; // eks, gke, aks, karpenter, or empty
  Autoscaling autoscaling = Autoscaling::unknown;
  std::string autoscaling_reason;
  bool scale_down_disabled = false; // cluster-autoscaler.kubernetes.io/scale-down-disabled
};

struct Namespace : KubeObject
{
  std::string phase;
};

struct PersistentVolumeClaim : KubeObject
{
  std::optional<std::string> storage_class; // nullopt when omitted (the default class applies)
  std::string volume_name;
  std::string phase;
  std::vector<std::string> access_modes;
  std::optional<Quantity> request;
};

struct PersistentVolume : KubeObject
{
  std::string storage_class;
  std::string phase;
  std::string claim_namespace;
  std::string claim_name;
  std::string type;       // csi, hostPath, local, nfs, awsElasticBlockStore, ...
  std::string csi_driver; // for type csi
  std::string detail;     // path or server for hostPath/local/nfs
  std::optional<Quantity> capacity;
};

struct StorageClass : KubeObject
{
  std::string provisioner;
  std::string binding_mode = "Immediate";
  std::string reclaim_policy = "Delete";
  bool allow_expansion = false;
  bool is_default = false;
};

struct CsiDriver : KubeObject
{
};

struct ServicePort
{
  std::string name;
  int port = 0;
  std::string protocol = "TCP";
  std::string target_port; // number or name, as text
  int node_port = 0;
};

struct Service : KubeObject
{
  std::string type = "ClusterIP";
  std::string cluster_ip;
  StringMap selector;
  std::vector<ServicePort> ports;
};

struct Endpoints : KubeObject
{
  int ready_addresses = 0;
  int not_ready_addresses = 0;
};

struct NetworkPolicy : KubeObject
{
};

// Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs.
struct Workload : KubeObject
{
  std::optional<int> replicas; // spec.replicas (absent means 1 for Deployments/StatefulSets)
  int ready_replicas = 0;
  int available_replicas = 0;
  int desired_scheduled = 0; // DaemonSets
  LabelSelector selector = LabelSelector::nothing();
  ObjectMeta template_meta;
  PodSpec template_spec;
  std::string strategy;
  CoderRole role = CoderRole::none;
  std::string role_reason;

  // spec.replicas with the API default of 1 applied (DaemonSets: desired scheduled).
  int desired_replicas() const;
};

struct PodDisruptionBudget : KubeObject
{
  LabelSelector selector = LabelSelector::nothing();
  std::string min_available;
  std::string max_unavailable;
  int disruptions_allowed = 0;
  int expected_pods = 0;
};

struct HorizontalPodAutoscaler : KubeObject
{
  std::string target_kind;
  std::string target_name;
  int min_replicas = 1;
  int max_replicas = 0;
};

struct Event : KubeObject
{
  std::string type;
  std::string reason;
  std::string message;
  std::string involved_kind;
  std::string involved_namespace;
  std::string involved_name;
  int count = 1;
  std::string last_timestamp;
};

struct ConfigMap : KubeObject
{
  std::vector<std::string> keys;
  StringMap data; // only where collected (autoscaler status, Coder's own)
};

// A document of Coder's own data (API responses or support bundle files) with its bundle path.
struct CoderDocument
{
  std::string path;
  Json json;
};

// Coder's own data, from `coder/api/` (collected through the API server) or an added
// `coder support bundle` (`coder/support-bundle/`), API first.
struct CoderData
{
  // Keyed by the support bundle's file stem: buildinfo, config, health, health_settings, stats,
  // entitlements, experiments, workspaces (deployment/), interfaces, netcheck (network/). Files
  // that are empty or `null` are left out.
  std::map<std::string, CoderDocument, std::less<>> documents;
  // Prometheus text exposition per source path (coder/metrics/<pod>.prom,
  // deployment/prometheus.txt).
  std::map<std::string, std::string, std::less<>> metrics;
  // The support bundle files seen, even empty ones (path under the bundle root).
  std::vector<std::string> support_files;

  const CoderDocument* find(std::string_view name) const;
};

// Identification of the Coder deployment in the cluster.
struct CoderFacts
{
  std::vector<const Pod*> coderd;
  std::vector<const Pod*> proxies;
  std::vector<const Pod*> provisioners;
  std::vector<const Pod*> workspaces;
  std::vector<const Pod*> postgres;
  std::vector<const Workload*> coderd_workloads;
  std::vector<const Workload*> proxy_workloads;
  std::vector<const Workload*> provisioner_workloads;
  std::vector<const Workload*> postgres_workloads;
  std::vector<std::string> control_plane_namespaces; // where coderd runs
  std::vector<std::string> workspace_namespaces;
};

// The analyzable form of any input: typed, indexed cluster state, Coder's data, and the
// coverage of every input, so analyzers can tell "empty" from "not seen".
class Snapshot
{
public:
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  Snapshot(Snapshot&&) = default;
  Snapshot& operator=(Snapshot&&) = default;

  // Builds a snapshot from loaded input. A malformed file (invalid JSON in a known path) is an
  // error naming it; a malformed object inside a valid file is skipped.
  static Result<Snapshot> build(LoadedInput input);

  // --- Input ---
  InputFormat format = InputFormat::cva;
  std::vector<std::string> origins;
  std::string collected_at; // RFC 3339, when known
  std::string server_version;
  const Bundle& bundle() const { return *m_bundle; }
  const ResourceStore& store() const { return *m_store; }
  const Json& manifest() const { return m_manifest; }

  // Coverage of a built-in kind by plural name (`pods`, `nodes`, `storageclasses`) or of a
  // Coder input (`coder/health`, `coder/buildinfo`, ...).
  const Coverage& coverage(std::string_view input) const;

  // --- Cluster state (sorted by namespace, then name) ---
  std::vector<Namespace> namespaces;
  std::vector<Node> nodes;
  std::vector<Pod> pods;
  std::vector<PersistentVolumeClaim> pvcs;
  std::vector<PersistentVolume> pvs;
  std::vector<StorageClass> storage_classes;
  std::vector<CsiDriver> csi_drivers;
  std::vector<NetworkPolicy> network_policies;
  std::vector<Service> services;
  std::vector<Endpoints> endpoints;
  std::vector<Workload> workloads; // Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs
  std::vector<PodDisruptionBudget> pdbs;
  std::vector<HorizontalPodAutoscaler> hpas;
  std::vector<Event> events;
  std::vector<ConfigMap> config_maps;

  CoderFacts coder;
  CoderData coder_data;

  // --- Lookups ---
  const Node* find_node(std::string_view name) const;
  const Namespace* find_namespace(std::string_view name) const;
  const PersistentVolumeClaim* find_pvc(std::string_view ns, std::string_view name) const;
  const PersistentVolume* find_pv(std::string_view name) const;
  const StorageClass* find_storage_class(std::string_view name) const;
  const StorageClass* default_storage_class() const;
  const ConfigMap* find_config_map(std::string_view ns, std::string_view name) const;
  const Workload* find_workload(std::string_view kind, std::string_view ns, std::string_view name) const;
  std::vector<const Pod*> pods_on_node(std::string_view node) const;
  std::vector<const Pod*> pods_of(const Workload& workload) const;
  // Labels of namespace `name` (empty when namespaces were not collected).
  const StringMap& namespace_labels(std::string_view name) const;

private:
  std::unique_ptr<Bundle> m_bundle = std::make_unique<Bundle>();
  std::unique_ptr<ResourceStore> m_store;
  Json m_manifest;
  std::map<std::string, Coverage, std::less<>> m_coverage;
  std::map<std::string, std::size_t, std::less<>> m_node_index;
  std::map<std::string, std::vector<std::size_t>, std::less<>> m_pods_by_node;

  friend class SnapshotBuilder;
};

// How an environment variable's value is known.
struct EnvValue
{
  enum class Kind
  {
    literal,        // a plain value (or one read from a collected ConfigMap)
    secret,         // from a Secret: set, value unseen
    config_map,     // from a ConfigMap whose data was not collected
    field,          // fieldRef / resourceFieldRef
    unseen,         // may come from an envFrom source whose keys were not collected
  };
  Kind kind = Kind::literal;
  std::string value;  // for literal
  std::string origin; // "env", "envFrom secretRef coder-env", ...
};

// The effective value of env var `name` in `container` of a pod or template in namespace `ns`:
// `env` wins over `envFrom` (the later of several envFrom sources wins), as the kubelet applies
// them. nullopt when the variable is not set at all.
std::optional<EnvValue> effective_env(const Snapshot& snapshot, std::string_view ns,
                                      const Container& container, std::string_view name);

} // namespace cva
