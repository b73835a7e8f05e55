#include "snapshot.hpp"

#include <core/bundle/paths.hpp>
#include <core/model/coder.hpp>
#include <core/util/yaml.hpp>

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>

namespace cva {

std::string_view to_string(CoderRole role)
{
  switch (role) {
    case CoderRole::none:
      return "none";
    case CoderRole::coderd:
      return "coderd";
    case CoderRole::workspace_proxy:
      return "workspace-proxy";
    case CoderRole::provisioner:
      return "provisioner";
    case CoderRole::workspace:
      return "workspace";
    case CoderRole::postgres:
      return "postgres";
  }
  return "none";
}

std::string_view to_string(Autoscaling a)
{
  switch (a) {
    case Autoscaling::unknown:
      return "unknown";
    case Autoscaling::fixed:
      return "fixed";
    case Autoscaling::autoscaled:
      return "autoscaled";
  }
  return "unknown";
}

const EnvVar* Container::find_env(std::string_view var_name) const
{
  // The kubelet applies env entries in order, so of duplicates the last one wins (the Helm chart
  // appends `coder.env` after its own entries).
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    if (it->name == var_name) {
      return &*it;
    }
  }
  return nullptr;
}

std::vector<const Container*> PodSpec::all_containers() const
{
  std::vector<const Container*> out;
  for (const Container& c : containers) {
    out.push_back(&c);
  }
  for (const Container& c : init_containers) {
    out.push_back(&c);
  }
  return out;
}

const Volume* PodSpec::find_volume(std::string_view name) const
{
  for (const Volume& v : volumes) {
    if (v.name == name) {
      return &v;
    }
  }
  return nullptr;
}

int Pod::restarts() const
{
  int total = 0;
  for (const ContainerStatus& s : statuses) {
    total += s.restart_count;
  }
  return total;
}

bool Pod::ready() const
{
  if (phase != "Running") {
    return false;
  }
  for (const ContainerStatus& s : statuses) {
    if (!s.init && !s.ready) {
      return false;
    }
  }
  return !statuses.empty();
}

int Workload::desired_replicas() const
{
  if (kind == "DaemonSet") {
    return desired_scheduled;
  }
  return replicas.value_or(1);
}

const CoderDocument* CoderData::find(std::string_view name) const
{
  const auto it = documents.find(name);
  return it == documents.end() ? nullptr : &it->second;
}

// --- Parsing ---

namespace {

std::optional<Quantity> quantity_at(const Json& obj, std::string_view key)
{
  const Json& v = json_at(obj, key);
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number()) {
    text = v.dump();
  } else {
    return std::nullopt;
  }
  auto q = Quantity::parse(text);
  if (!q) {
    return std::nullopt;
  }
  return *q;
}

std::vector<std::string> string_list(const Json& arr)
{
  std::vector<std::string> out;
  if (arr.is_array()) {
    for (const Json& v : arr) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

ObjectMeta parse_meta(const Json& obj)
{
  const Json& m = json_at(obj, "metadata");
  ObjectMeta meta;
  meta.name = json_string(m, "name");
  meta.namespace_ = json_string(m, "namespace");
  meta.uid = json_string(m, "uid");
  meta.creation_timestamp = json_string(m, "creationTimestamp");
  meta.labels = to_string_map(json_at(m, "labels"));
  meta.annotations = to_string_map(json_at(m, "annotations"));
  for (const Json& o : json_array(m, "ownerReferences")) {
    meta.owners.push_back(
      OwnerReference{json_string(o, "kind"), json_string(o, "name"), json_bool(o, "controller")});
  }
  return meta;
}

template<typename T>
T make_object(const StoredObject& so)
{
  T t;
  t.raw = so.object;
  t.kind = json_string(*so.object, "kind");
  t.meta = parse_meta(*so.object);
  if (so.path != nullptr) {
    t.source = Source{*so.path, so.pointer()};
  }
  return t;
}

Container parse_container(const Json& c, bool init, std::size_t index)
{
  Container out;
  out.name = json_string(c, "name");
  out.image = json_string(c, "image");
  out.command = string_list(json_at(c, "command"));
  out.args = string_list(json_at(c, "args"));
  out.init = init;
  out.index = index;
  for (const Json& e : json_array(c, "env")) {
    EnvVar var;
    var.name = json_string(e, "name");
    if (const Json& v = json_at(e, "value"); v.is_string()) {
      var.value = v.get<std::string>();
    } else if (!e.contains("valueFrom")) {
      var.value = std::string();
    }
    const Json& from = json_at(e, "valueFrom");
    for (const char* kind : {"secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"}) {
      const Json& ref = json_at(from, kind);
      if (ref.is_object()) {
        var.from_kind = kind;
        var.from_name = json_string(ref, "name", json_string(ref, "fieldPath", json_string(ref, "resource")));
        var.from_key = json_string(ref, "key");
      }
    }
    out.env.push_back(std::move(var));
  }
  for (const Json& e : json_array(c, "envFrom")) {
    for (const char* kind : {"configMapRef", "secretRef"}) {
      const Json& ref = json_at(e, kind);
      if (ref.is_object()) {
        out.env_from.push_back(EnvFromSource{kind, json_string(ref, "name"), json_string(e, "prefix")});
      }
    }
  }
  for (const Json& p : json_array(c, "ports")) {
    out.ports.push_back(ContainerPort{json_string(p, "name"),
                                      static_cast<int>(json_int(p, "containerPort")),
                                      json_string(p, "protocol", "TCP")});
  }
  for (const Json& m : json_array(c, "volumeMounts")) {
    out.mounts.push_back(VolumeMount{json_string(m, "name"), json_string(m, "mountPath"),
                                     json_string(m, "subPath"), json_bool(m, "readOnly")});
  }
  const Json& res = json_at(c, "resources");
  out.resources.cpu_request = quantity_at(json_at(res, "requests"), "cpu");
  out.resources.memory_request = quantity_at(json_at(res, "requests"), "memory");
  out.resources.cpu_limit = quantity_at(json_at(res, "limits"), "cpu");
  out.resources.memory_limit = quantity_at(json_at(res, "limits"), "memory");
  // The API server defaults requests to limits when only limits are set.
  if (!out.resources.cpu_request && out.resources.cpu_limit) {
    out.resources.cpu_request = out.resources.cpu_limit;
  }
  if (!out.resources.memory_request && out.resources.memory_limit) {
    out.resources.memory_request = out.resources.memory_limit;
  }
  return out;
}

Volume parse_volume(const Json& v)
{
  Volume out;
  out.name = json_string(v, "name");
  for (const auto& [key, value] : v.items()) {
    if (key == "name" || !value.is_object()) {
      continue;
    }
    out.type = key;
    if (key == "hostPath") {
      out.detail = json_string(value, "path");
    } else if (key == "persistentVolumeClaim") {
      out.detail = json_string(value, "claimName");
    } else if (key == "nfs") {
      out.detail = json_string(value, "server") + ":" + json_string(value, "path");
    } else if (key == "csi") {
      out.detail = json_string(value, "driver");
    } else if (key == "configMap" || key == "secret") {
      out.detail = json_string(value, key == "secret" ? "secretName" : "name");
    } else if (key == "ephemeral") {
      out.detail = json_string(json_path(value, {"volumeClaimTemplate", "spec"}), "storageClassName");
    }
    break;
  }
  return out;
}

PodSpec parse_pod_spec(const Json& spec)
{
  PodSpec out;
  std::size_t i = 0;
  for (const Json& c : json_array(spec, "containers")) {
    out.containers.push_back(parse_container(c, false, i++));
  }
  i = 0;
  for (const Json& c : json_array(spec, "initContainers")) {
    out.init_containers.push_back(parse_container(c, true, i++));
  }
  for (const Json& v : json_array(spec, "volumes")) {
    out.volumes.push_back(parse_volume(v));
  }
  out.node_selector = to_string_map(json_at(spec, "nodeSelector"));
  for (const Json& t : json_array(spec, "tolerations")) {
    out.tolerations.push_back(Toleration{json_string(t, "key"), json_string(t, "operator", "Equal"),
                                         json_string(t, "value"), json_string(t, "effect")});
  }
  const Json& affinity = json_at(spec, "affinity");
  if (affinity.is_object()) {
    out.affinity = &affinity;
    out.has_node_affinity = json_at(affinity, "nodeAffinity").is_object() &&
                            !json_at(affinity, "nodeAffinity").empty();
    out.has_pod_anti_affinity = json_at(affinity, "podAntiAffinity").is_object() &&
                                !json_at(affinity, "podAntiAffinity").empty();
  }
  out.has_topology_spread = !json_array(spec, "topologySpreadConstraints").empty();
  out.host_network = json_bool(spec, "hostNetwork");
  out.service_account = json_string(spec, "serviceAccountName", json_string(spec, "serviceAccount"));
  out.priority_class = json_string(spec, "priorityClassName");
  return out;
}

std::vector<ContainerStatus> parse_statuses(const Json& status)
{
  std::vector<ContainerStatus> out;
  for (const auto& [key, init] : {std::pair{"containerStatuses", false}, std::pair{"initContainerStatuses", true}}) {
    for (const Json& s : json_array(status, key)) {
      ContainerStatus cs;
      cs.name = json_string(s, "name");
      cs.init = init;
      cs.ready = json_bool(s, "ready");
      cs.restart_count = static_cast<int>(json_int(s, "restartCount"));
      cs.image = json_string(s, "image");
      const Json& state = json_at(s, "state");
      if (state.is_object()) {
        for (const auto& [k, v] : state.items()) {
          cs.state = k;
          cs.reason = json_string(v, "reason");
        }
      }
      const Json& term = json_path(s, {"lastState", "terminated"});
      cs.last_terminated_reason = json_string(term, "reason");
      cs.last_exit_code = static_cast<int>(json_int(term, "exitCode"));
      out.push_back(std::move(cs));
    }
  }
  return out;
}

template<typename T>
void sort_objects(std::vector<T>& v)
{
  std::stable_sort(v.begin(), v.end(), [](const T& a, const T& b) {
    return std::tie(a.meta.namespace_, a.meta.name) < std::tie(b.meta.namespace_, b.meta.name);
  });
}

const RE2 k_troubleshoot_time(R"((\d{4}-\d{2}-\d{2})T(\d{2})_(\d{2})_(\d{2}))");

} // namespace

// Builds the typed snapshot; a class so it can reach Snapshot's private members.
class SnapshotBuilder
{
public:
  static Result<Snapshot> build(LoadedInput input);

private:
  static void parse_cluster(Snapshot& s);
  static Result<void> parse_coder_data(Snapshot& s);
  static void resolve_owners(Snapshot& s);
  static void settle_metadata(Snapshot& s, const std::string& top_dir);
};

void SnapshotBuilder::parse_cluster(Snapshot& s)
{
  const ResourceStore& store = *s.m_store;
  for (const StoredObject& so : store.get("namespaces").objects) {
    auto ns = make_object<Namespace>(so);
    ns.kind = "Namespace";
    ns.phase = json_string(json_at(*so.object, "status"), "phase");
    s.namespaces.push_back(std::move(ns));
  }
  for (const StoredObject& so : store.get("nodes").objects) {
    auto n = make_object<Node>(so);
    n.kind = "Node";
    const Json& status = json_at(*so.object, "status");
    n.cpu_capacity = quantity_at(json_at(status, "capacity"), "cpu");
    n.memory_capacity = quantity_at(json_at(status, "capacity"), "memory");
    n.cpu_allocatable = quantity_at(json_at(status, "allocatable"), "cpu");
    n.memory_allocatable = quantity_at(json_at(status, "allocatable"), "memory");
    for (const Json& t : json_array(json_at(*so.object, "spec"), "taints")) {
      n.taints.push_back(Taint{json_string(t, "key"), json_string(t, "value"), json_string(t, "effect")});
    }
    n.unschedulable = json_bool(json_at(*so.object, "spec"), "unschedulable");
    for (const Json& c : json_array(status, "conditions")) {
      if (json_string(c, "type") == "Ready") {
        n.ready = json_string(c, "status") == "True";
      }
    }
    const Json& info = json_at(status, "nodeInfo");
    n.kubelet_version = json_string(info, "kubeletVersion");
    n.os_image = json_string(info, "osImage");
    n.container_runtime = json_string(info, "containerRuntimeVersion");
    for (const Json& a : json_array(status, "addresses")) {
      if (json_string(a, "type") == "InternalIP" && n.internal_ip.empty()) {
        n.internal_ip = json_string(a, "address");
      }
    }
    for (const auto& [k, v] : n.meta.labels) {
      constexpr std::string_view prefix = "node-role.kubernetes.io/";
      if (k.starts_with(prefix)) {
        n.roles.push_back(k.substr(prefix.size()));
      }
    }
    s.nodes.push_back(std::move(n));
  }
  for (const StoredObject& so : store.get("pods").objects) {
    auto p = make_object<Pod>(so);
    p.kind = "Pod";
    const Json& spec = json_at(*so.object, "spec");
    const Json& status = json_at(*so.object, "status");
    p.spec = parse_pod_spec(spec);
    p.node_name = json_string(spec, "nodeName");
    p.phase = json_string(status, "phase", "Unknown");
    p.reason = json_string(status, "reason");
    p.pod_ip = json_string(status, "podIP");
    p.start_time = json_string(status, "startTime");
    p.statuses = parse_statuses(status);
    for (const Json& c : json_array(status, "conditions")) {
      if (json_string(c, "type") == "PodScheduled" && json_string(c, "status") == "False") {
        p.unschedulable = json_string(c, "reason") == "Unschedulable";
        p.unschedulable_message = json_string(c, "message");
      }
    }
    p.synthesized = p.meta.annotations.contains("coder-cva.coder.com/synthesized-from");
    s.pods.push_back(std::move(p));
  }
  for (const StoredObject& so : store.get("persistentvolumeclaims").objects) {
    auto c = make_object<PersistentVolumeClaim>(so);
    c.kind = "PersistentVolumeClaim";
    const Json& spec = json_at(*so.object, "spec");
    if (const Json& sc = json_at(spec, "storageClassName"); sc.is_string()) {
      c.storage_class = sc.get<std::string>();
    } else if (const auto it = c.meta.annotations.find("volume.beta.kubernetes.io/storage-class");
               it != c.meta.annotations.end()) {
      c.storage_class = it->second;
    }
    c.volume_name = json_string(spec, "volumeName");
    c.phase = json_string(json_at(*so.object, "status"), "phase", "Pending");
    c.access_modes = string_list(json_at(spec, "accessModes"));
    c.request = quantity_at(json_path(spec, {"resources", "requests"}), "storage");
    s.pvcs.push_back(std::move(c));
  }
  for (const StoredObject& so : store.get("persistentvolumes").objects) {
    auto v = make_object<PersistentVolume>(so);
    v.kind = "PersistentVolume";
    const Json& spec = json_at(*so.object, "spec");
    v.storage_class = json_string(spec, "storageClassName");
    v.phase = json_string(json_at(*so.object, "status"), "phase");
    v.claim_namespace = json_string(json_at(spec, "claimRef"), "namespace");
    v.claim_name = json_string(json_at(spec, "claimRef"), "name");
    v.capacity = quantity_at(json_at(spec, "capacity"), "storage");
    static const std::vector<std::string_view> k_not_sources = {
      "accessModes", "capacity", "claimRef", "mountOptions", "nodeAffinity",
      "persistentVolumeReclaimPolicy", "storageClassName", "volumeMode", "volumeAttributesClassName"};
    for (const auto& [key, value] : spec.items()) {
      if (std::find(k_not_sources.begin(), k_not_sources.end(), key) == k_not_sources.end() &&
          value.is_object()) {
        v.type = key;
        if (key == "csi") {
          v.csi_driver = json_string(value, "driver");
        } else if (key == "hostPath" || key == "local") {
          v.detail = json_string(value, "path");
        } else if (key == "nfs") {
          v.detail = json_string(value, "server") + ":" + json_string(value, "path");
        }
        break;
      }
    }
    s.pvs.push_back(std::move(v));
  }
  for (const StoredObject& so : store.get("storageclasses", "storage.k8s.io").objects) {
    auto c = make_object<StorageClass>(so);
    c.kind = "StorageClass";
    c.provisioner = json_string(*so.object, "provisioner");
    c.binding_mode = json_string(*so.object, "volumeBindingMode", "Immediate");
    c.reclaim_policy = json_string(*so.object, "reclaimPolicy", "Delete");
    c.allow_expansion = json_bool(*so.object, "allowVolumeExpansion");
    for (const char* key : {"storageclass.kubernetes.io/is-default-class",
                            "storageclass.beta.kubernetes.io/is-default-class"}) {
      const auto it = c.meta.annotations.find(key);
      c.is_default = c.is_default || (it != c.meta.annotations.end() && it->second == "true");
    }
    s.storage_classes.push_back(std::move(c));
  }
  for (const StoredObject& so : store.get("csidrivers", "storage.k8s.io").objects) {
    auto d = make_object<CsiDriver>(so);
    d.kind = "CSIDriver";
    s.csi_drivers.push_back(std::move(d));
  }
  for (const StoredObject& so : store.get("networkpolicies", "networking.k8s.io").objects) {
    auto np = make_object<NetworkPolicy>(so);
    np.kind = "NetworkPolicy";
    s.network_policies.push_back(std::move(np));
  }
  for (const StoredObject& so : store.get("services").objects) {
    auto svc = make_object<Service>(so);
    svc.kind = "Service";
    const Json& spec = json_at(*so.object, "spec");
    svc.type = json_string(spec, "type", "ClusterIP");
    svc.cluster_ip = json_string(spec, "clusterIP");
    svc.selector = to_string_map(json_at(spec, "selector"));
    for (const Json& p : json_array(spec, "ports")) {
      ServicePort sp;
      sp.name = json_string(p, "name");
      sp.port = static_cast<int>(json_int(p, "port"));
      sp.protocol = json_string(p, "protocol", "TCP");
      const Json& tp = json_at(p, "targetPort");
      sp.target_port = tp.is_string() ? tp.get<std::string>()
                       : tp.is_number() ? tp.dump()
                                        : std::to_string(sp.port);
      sp.node_port = static_cast<int>(json_int(p, "nodePort"));
      svc.ports.push_back(std::move(sp));
    }
    s.services.push_back(std::move(svc));
  }
  for (const StoredObject& so : store.get("endpoints").objects) {
    auto ep = make_object<Endpoints>(so);
    ep.kind = "Endpoints";
    for (const Json& subset : json_array(*so.object, "subsets")) {
      ep.ready_addresses += static_cast<int>(json_array(subset, "addresses").size());
      ep.not_ready_addresses += static_cast<int>(json_array(subset, "notReadyAddresses").size());
    }
    s.endpoints.push_back(std::move(ep));
  }
  const std::vector<std::pair<const char*, const char*>> k_workload_kinds = {
    {"deployments", "Deployment"}, {"statefulsets", "StatefulSet"}, {"daemonsets", "DaemonSet"},
    {"replicasets", "ReplicaSet"}, {"jobs", "Job"}};
  for (const auto& [plural, kind] : k_workload_kinds) {
    const std::string group = std::string_view(plural) == "jobs" ? "batch" : "apps";
    for (const StoredObject& so : store.get(plural, group).objects) {
      auto w = make_object<Workload>(so);
      w.kind = kind;
      const Json& spec = json_at(*so.object, "spec");
      const Json& status = json_at(*so.object, "status");
      if (const Json& r = json_at(spec, "replicas"); r.is_number()) {
        w.replicas = static_cast<int>(json_int(spec, "replicas"));
      }
      w.ready_replicas = static_cast<int>(json_int(status, "readyReplicas", json_int(status, "numberReady")));
      w.available_replicas = static_cast<int>(json_int(status, "availableReplicas", json_int(status, "numberAvailable")));
      w.desired_scheduled = static_cast<int>(json_int(status, "desiredNumberScheduled"));
      if (auto sel = LabelSelector::from_json(json_at(spec, "selector"))) {
        w.selector = *sel;
      }
      const Json& tmpl = json_at(spec, "template");
      w.template_meta = parse_meta(tmpl);
      w.template_spec = parse_pod_spec(json_at(tmpl, "spec"));
      w.strategy = json_string(json_at(spec, std::string_view(kind) == "Deployment" ? "strategy" : "updateStrategy"), "type");
      s.workloads.push_back(std::move(w));
    }
  }
  for (const StoredObject& so : store.get("poddisruptionbudgets", "policy").objects) {
    auto pdb = make_object<PodDisruptionBudget>(so);
    pdb.kind = "PodDisruptionBudget";
    const Json& spec = json_at(*so.object, "spec");
    if (auto sel = LabelSelector::from_json(json_at(spec, "selector"))) {
      pdb.selector = *sel;
    }
    const auto int_or_string = [](const Json& v) {
      return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string();
    };
    pdb.min_available = int_or_string(json_at(spec, "minAvailable"));
    pdb.max_unavailable = int_or_string(json_at(spec, "maxUnavailable"));
    const Json& status = json_at(*so.object, "status");
    pdb.disruptions_allowed = static_cast<int>(json_int(status, "disruptionsAllowed"));
    pdb.expected_pods = static_cast<int>(json_int(status, "expectedPods"));
    s.pdbs.push_back(std::move(pdb));
  }
  for (const StoredObject& so : store.get("horizontalpodautoscalers", "autoscaling").objects) {
    auto h = make_object<HorizontalPodAutoscaler>(so);
    h.kind = "HorizontalPodAutoscaler";
    const Json& spec = json_at(*so.object, "spec");
    h.target_kind = json_string(json_at(spec, "scaleTargetRef"), "kind");
    h.target_name = json_string(json_at(spec, "scaleTargetRef"), "name");
    h.min_replicas = static_cast<int>(json_int(spec, "minReplicas", 1));
    h.max_replicas = static_cast<int>(json_int(spec, "maxReplicas"));
    s.hpas.push_back(std::move(h));
  }
  for (const StoredObject& so : store.get("events").objects) {
    auto e = make_object<Event>(so);
    e.kind = "Event";
    const Json& o = *so.object;
    e.type = json_string(o, "type");
    e.reason = json_string(o, "reason");
    e.message = json_string(o, "message", json_string(o, "note"));
    const Json& inv = json_at(o, "involvedObject").is_object() ? json_at(o, "involvedObject") : json_at(o, "regarding");
    e.involved_kind = json_string(inv, "kind");
    e.involved_namespace = json_string(inv, "namespace");
    e.involved_name = json_string(inv, "name");
    e.count = static_cast<int>(json_int(o, "count", 1));
    e.last_timestamp = json_string(o, "lastTimestamp", json_string(o, "eventTime"));
    s.events.push_back(std::move(e));
  }
  for (const StoredObject& so : store.get("configmaps").objects) {
    auto cm = make_object<ConfigMap>(so);
    cm.kind = "ConfigMap";
    const Json& data = json_at(*so.object, "data");
    if (data.is_object()) {
      for (const auto& [k, v] : data.items()) {
        cm.keys.push_back(k);
        if (v.is_string()) {
          cm.data.emplace(k, v.get<std::string>());
        }
      }
    }
    // Collected metadata-only ConfigMaps list their keys in an annotation of ours.
    if (const auto it = cm.meta.annotations.find("coder-cva.coder.com/keys"); it != cm.meta.annotations.end() && cm.keys.empty()) {
      std::string_view rest = it->second;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        cm.keys.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
    s.config_maps.push_back(std::move(cm));
  }

  sort_objects(s.namespaces);
  sort_objects(s.nodes);
  sort_objects(s.pods);
  sort_objects(s.pvcs);
  sort_objects(s.pvs);
  sort_objects(s.storage_classes);
  sort_objects(s.csi_drivers);
  sort_objects(s.network_policies);
  sort_objects(s.services);
  sort_objects(s.endpoints);
  sort_objects(s.pdbs);
  sort_objects(s.hpas);
  sort_objects(s.config_maps);
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    s.m_node_index.emplace(s.nodes[i].meta.name, i);
  }
  for (std::size_t i = 0; i < s.pods.size(); ++i) {
    if (!s.pods[i].node_name.empty()) {
      s.m_pods_by_node[s.pods[i].node_name].push_back(i);
    }
  }
}

void SnapshotBuilder::resolve_owners(Snapshot& s)
{
  for (Pod& p : s.pods) {
    for (const OwnerReference& o : p.meta.owners) {
      if (!o.controller && p.meta.owners.size() > 1) {
        continue;
      }
      p.workload_kind = o.kind;
      p.workload_name = o.name;
      if (o.kind == "ReplicaSet") {
        if (const Workload* rs = s.find_workload("ReplicaSet", p.meta.namespace_, o.name)) {
          for (const OwnerReference& ro : rs->meta.owners) {
            if (ro.kind == "Deployment") {
              p.workload_kind = "Deployment";
              p.workload_name = ro.name;
            }
          }
        } else {
          // Without the ReplicaSet, strip the pod-template hash: coder-7d9f8b6c5 -> coder.
          static const RE2 k_rs_hash(R"((.+)-[a-z0-9]{5,10})");
          std::string deployment;
          if (RE2::FullMatch(o.name, k_rs_hash, &deployment) &&
              s.find_workload("Deployment", p.meta.namespace_, deployment) != nullptr) {
            p.workload_kind = "Deployment";
            p.workload_name = deployment;
          }
        }
      }
      break;
    }
  }
}

Result<void> SnapshotBuilder::parse_coder_data(Snapshot& s)
{
  const Bundle& bundle = *s.m_bundle;
  // Document name and its folder in a support bundle.
  static const std::vector<std::pair<std::string, std::string>> k_documents = {
    {"buildinfo", "deployment"}, {"config", "deployment"},       {"health", "deployment"},
    {"health_settings", "deployment"}, {"stats", "deployment"},  {"entitlements", "deployment"},
    {"experiments", "deployment"}, {"workspaces", "deployment"}, {"users", "deployment"},
    {"deployment_stats", "deployment"}, {"interfaces", "network"}, {"netcheck", "network"}};
  const std::string support = std::string(paths::k_coder_support) + "/";
  const std::string api = std::string(paths::k_coder_api) + "/";
  for (const std::string& path : bundle.list(support)) {
    s.coder_data.support_files.push_back(path.substr(support.size()));
  }
  for (const auto& [name, folder] : k_documents) {
    for (const std::string& path : {api + name + ".json", support + folder + "/" + name + ".json"}) {
      const std::string* text = bundle.get(path);
      Coverage& cov = s.m_coverage["coder/" + name];
      if (text == nullptr) {
        continue;
      }
      if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
        if (cov.message.empty()) {
          cov.message = fmt::format("{} is empty (the server refused it or the data was unavailable)", path);
        }
        continue;
      }
      CVA_TRY_ASSIGN(doc, parse_json(*text, path));
      if (doc.is_null()) {
        if (cov.message.empty()) {
          cov.message = fmt::format("{} is null (the server refused it or the data was unavailable)", path);
        }
        continue;
      }
      if (!s.coder_data.documents.contains(name)) {
        s.coder_data.documents.emplace(name, CoderDocument{path, std::move(doc)});
        cov.state = CoverageState::collected;
        cov.paths.push_back(path);
        cov.message.clear();
      }
    }
  }
  for (const auto& [name, folder] : k_documents) {
    Coverage& cov = s.m_coverage["coder/" + name];
    if (cov.state == CoverageState::absent && cov.message.empty()) {
      cov.message = fmt::format("neither {}{}.json nor {}{}/{}.json is in the input", api, name, support, folder, name);
    }
  }
  const std::string metrics = std::string(paths::k_coder_metrics) + "/";
  for (const std::string& path : bundle.list(metrics)) {
    s.coder_data.metrics.emplace(path, *bundle.get(path));
  }
  if (const std::string* text = bundle.get(support + "deployment/prometheus.txt"); text && !text->empty()) {
    s.coder_data.metrics.emplace(support + "deployment/prometheus.txt", *text);
  }
  Coverage& mcov = s.m_coverage["coder/metrics"];
  if (!s.coder_data.metrics.empty()) {
    mcov.state = CoverageState::collected;
    for (const auto& [path, text] : s.coder_data.metrics) {
      mcov.paths.push_back(path);
    }
  }
  // Collection notes from our manifest: skipped or refused Coder inputs keep their reason.
  const Json& cov = json_at(s.m_manifest, "coverage");
  if (cov.is_object()) {
    for (const auto& [key, entry] : cov.items()) {
      Coverage& c = s.m_coverage[key];
      if (c.state == CoverageState::collected && !json_bool(entry, "synthesized")) {
        continue;
      }
      const std::string state = json_string(entry, "state");
      for (CoverageState st : {CoverageState::collected, CoverageState::partial, CoverageState::forbidden,
                               CoverageState::failed, CoverageState::absent}) {
        if (state == to_string(st)) {
          c.state = st;
        }
      }
      if (const std::string m = json_string(entry, "message"); !m.empty()) {
        c.message = m;
      }
      c.synthesized = c.synthesized || json_bool(entry, "synthesized");
    }
  }
  return {};
}

void SnapshotBuilder::settle_metadata(Snapshot& s, const std::string& top_dir)
{
  const Bundle& bundle = *s.m_bundle;
  s.collected_at = json_string(s.m_manifest, "collected_at");
  if (s.collected_at.empty()) {
    std::string day, h, m, sec;
    if (RE2::PartialMatch(top_dir, k_troubleshoot_time, &day, &h, &m, &sec)) {
      s.collected_at = fmt::format("{}T{}:{}:{}Z", day, h, m, sec);
    }
  }
  if (s.collected_at.empty()) {
    // The newest timestamp the cluster itself wrote is a lower bound on collection time.
    for (const Event& e : s.events) {
      s.collected_at = std::max(s.collected_at, e.last_timestamp);
    }
    for (const Pod& p : s.pods) {
      s.collected_at = std::max(s.collected_at, p.start_time);
    }
  }
  if (const std::string* text = bundle.get(paths::k_cluster_version)) {
    if (auto doc = parse_json(*text, paths::k_cluster_version)) {
      s.server_version = json_string(json_at(*doc, "info"), "gitVersion", json_string(*doc, "string"));
    }
  }
}

Result<Snapshot> SnapshotBuilder::build(LoadedInput input)
{
  Snapshot s;
  *s.m_bundle = std::move(input.bundle);
  s.format = input.format;
  s.origins = std::move(input.origins);
  if (const std::string* text = s.m_bundle->get(paths::k_manifest)) {
    CVA_TRY_ASSIGN(doc, parse_json(*text, paths::k_manifest));
    s.m_manifest = std::move(doc);
  }
  CVA_TRY_ASSIGN(store, ResourceStore::load(*s.m_bundle));
  s.m_store = std::move(store);
  for (const ResourceData& data : s.m_store->all()) {
    s.m_coverage[data.type.qualified_name()] = data.coverage;
    if (!data.type.group.empty() && !data.type.is_custom()) {
      s.m_coverage[data.type.plural] = data.coverage;
    }
  }
  parse_cluster(s);
  CVA_TRY(parse_coder_data(s));
  resolve_owners(s);
  identify_coder(s);
  classify_node_groups(s);
  settle_metadata(s, input.top_dir);
  return s;
}

Result<Snapshot> Snapshot::build(LoadedInput input)
{
  return SnapshotBuilder::build(std::move(input));
}

const Coverage& Snapshot::coverage(std::string_view input) const
{
  const auto it = m_coverage.find(input);
  if (it != m_coverage.end()) {
    return it->second;
  }
  static const Coverage k_absent{CoverageState::absent, "not in the bundle", {}, {}, false};
  return k_absent;
}

// --- Lookups ---

namespace {
template<typename T>
const T* find_by_name(const std::vector<T>& v, std::string_view ns, std::string_view name)
{
  const auto it = std::lower_bound(v.begin(), v.end(), std::pair{ns, name}, [](const T& a, const auto& key) {
    return std::pair<std::string_view, std::string_view>(a.meta.namespace_, a.meta.name) < key;
  });
  if (it != v.end() && it->meta.namespace_ == ns && it->meta.name == name) {
    return &*it;
  }
  return nullptr;
}
} // namespace

const Node* Snapshot::find_node(std::string_view name) const
{
  const auto it = m_node_index.find(name);
  return it == m_node_index.end() ? nullptr : &nodes[it->second];
}

const Namespace* Snapshot::find_namespace(std::string_view name) const
{
  return find_by_name(namespaces, "", name);
}

const PersistentVolumeClaim* Snapshot::find_pvc(std::string_view ns, std::string_view name) const
{
  return find_by_name(pvcs, ns, name);
}

const PersistentVolume* Snapshot::find_pv(std::string_view name) const
{
  return find_by_name(pvs, "", name);
}

const StorageClass* Snapshot::find_storage_class(std::string_view name) const
{
  return find_by_name(storage_classes, "", name);
}

const StorageClass* Snapshot::default_storage_class() const
{
  for (const StorageClass& sc : storage_classes) {
    if (sc.is_default) {
      return &sc;
    }
  }
  return nullptr;
}

const ConfigMap* Snapshot::find_config_map(std::string_view ns, std::string_view name) const
{
  return find_by_name(config_maps, ns, name);
}

const Workload* Snapshot::find_workload(std::string_view kind, std::string_view ns, std::string_view name) const
{
  for (const Workload& w : workloads) {
    if (w.kind == kind && w.meta.namespace_ == ns && w.meta.name == name) {
      return &w;
    }
  }
  return nullptr;
}

std::vector<const Pod*> Snapshot::pods_on_node(std::string_view node) const
{
  std::vector<const Pod*> out;
  const auto it = m_pods_by_node.find(node);
  if (it != m_pods_by_node.end()) {
    for (const std::size_t i : it->second) {
      out.push_back(&pods[i]);
    }
  }
  return out;
}

std::vector<const Pod*> Snapshot::pods_of(const Workload& workload) const
{
  std::vector<const Pod*> out;
  for (const Pod& p : pods) {
    if (p.meta.namespace_ == workload.meta.namespace_ &&
        ((p.workload_kind == workload.kind && p.workload_name == workload.meta.name) ||
         (p.workload_kind.empty() && workload.selector.matches(p.meta.labels) &&
          !workload.selector.matches_everything()))) {
      out.push_back(&p);
    }
  }
  return out;
}

const StringMap& Snapshot::namespace_labels(std::string_view name) const
{
  static const StringMap k_empty;
  const Namespace* ns = find_namespace(name);
  return ns != nullptr ? ns->meta.labels : k_empty;
}

std::optional<EnvValue> effective_env(const Snapshot& snapshot, std::string_view ns,
                                      const Container& container, std::string_view name)
{
  if (const EnvVar* e = container.find_env(name)) {
    EnvValue v;
    v.origin = "env";
    if (e->value) {
      v.kind = EnvValue::Kind::literal;
      v.value = *e->value;
    } else if (e->from_kind == "secretKeyRef") {
      v.kind = EnvValue::Kind::secret;
      v.origin = fmt::format("env secretKeyRef {}/{}", e->from_name, e->from_key);
    } else if (e->from_kind == "configMapKeyRef") {
      const ConfigMap* cm = snapshot.find_config_map(ns, e->from_name);
      if (cm != nullptr && cm->data.contains(e->from_key)) {
        v.kind = EnvValue::Kind::literal;
        v.value = cm->data.find(e->from_key)->second;
      } else {
        v.kind = EnvValue::Kind::config_map;
      }
      v.origin = fmt::format("env configMapKeyRef {}/{}", e->from_name, e->from_key);
    } else {
      v.kind = EnvValue::Kind::field;
      v.origin = fmt::format("env {} {}", e->from_kind, e->from_name);
    }
    return v;
  }
  std::optional<EnvValue> found;
  for (const EnvFromSource& src : container.env_from) {
    if (!src.prefix.empty() && !name.starts_with(src.prefix)) {
      continue;
    }
    const std::string key(name.substr(src.prefix.size()));
    const std::string origin = fmt::format("envFrom {} {}", src.kind, src.name);
    if (src.kind == "configMapRef") {
      const ConfigMap* cm = snapshot.find_config_map(ns, src.name);
      if (cm != nullptr && cm->data.contains(key)) {
        found = EnvValue{EnvValue::Kind::literal, cm->data.find(key)->second, origin};
      } else if (cm != nullptr && std::find(cm->keys.begin(), cm->keys.end(), key) != cm->keys.end()) {
        found = EnvValue{EnvValue::Kind::config_map, {}, origin};
      } else if (cm == nullptr || cm->keys.empty()) {
        // Later sources win: one not seen may override what an earlier source gave.
        found = EnvValue{EnvValue::Kind::unseen, {}, origin};
      }
    } else {
      // Secrets are collected as names and key names only.
      const ResourceData& secrets = snapshot.store().get("secrets");
      bool seen = false;
      bool has_key = false;
      bool keys_known = false;
      for (const StoredObject& so : secrets.objects) {
        const Json& m = json_at(*so.object, "metadata");
        if (json_string(m, "namespace") != ns || json_string(m, "name") != src.name) {
          continue;
        }
        seen = true;
        const StringMap annotations = to_string_map(json_at(m, "annotations"));
        const auto keys = annotations.find("coder-cva.coder.com/keys");
        keys_known = json_at(*so.object, "data").is_object() || keys != annotations.end();
        has_key = json_at(*so.object, "data").contains(key) ||
                  (keys != annotations.end() &&
                   ("," + keys->second + ",").find("," + key + ",") != std::string::npos);
      }
      if (seen && has_key) {
        found = EnvValue{EnvValue::Kind::secret, {}, origin};
      } else if (!seen || !keys_known) {
        // A Secret listed as metadata only (what collect asks a real API server for) does not
        // say which keys it has: the variable may come from it, over any earlier source.
        found = EnvValue{EnvValue::Kind::unseen, {}, origin};
      }
    }
  }
  return found;
}

} // namespace cva
