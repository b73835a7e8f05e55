#include "resources.hpp"

#include <core/bundle/paths.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace cva {

namespace {

ResourceType builtin(std::string kind, std::string plural, std::string group, std::string version,
                     bool namespaced, std::string bundle_name,
                     std::vector<std::string> short_names = {})
{
  return ResourceType{std::move(kind),      std::move(plural),    std::move(group),
                      std::move(version),   namespaced,           std::move(bundle_name),
                      std::move(short_names)};
}

bool looks_forbidden(std::string_view message)
{
  std::string lower(message);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("forbidden") != std::string::npos || lower.find("403") != std::string::npos ||
         lower.find("unauthorized") != std::string::npos;
}

std::string error_text(const Json& v)
{
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_object()) {
    for (const char* key : {"error", "message", "Error"}) {
      if (const Json& m = json_at(v, key); m.is_string()) {
        return m.get<std::string>();
      }
    }
  }
  return v.dump();
}

} // namespace

const std::vector<ResourceType>& builtin_resource_types()
{
  static const std::vector<ResourceType> k_types = {
    builtin("Namespace", "namespaces", "", "v1", false, "namespaces", {"ns"}),
    builtin("Node", "nodes", "", "v1", false, "nodes", {"no"}),
    builtin("Pod", "pods", "", "v1", true, "pods", {"po"}),
    builtin("Service", "services", "", "v1", true, "services", {"svc"}),
    builtin("Endpoints", "endpoints", "", "v1", true, "endpoints", {"ep"}),
    builtin("Event", "events", "", "v1", true, "events", {"ev"}),
    builtin("ConfigMap", "configmaps", "", "v1", true, "configmaps", {"cm"}),
    builtin("Secret", "secrets", "", "v1", true, "secrets"),
    builtin("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", true, "pvcs", {"pvc"}),
    builtin("PersistentVolume", "persistentvolumes", "", "v1", false, "pvs", {"pv"}),
    builtin("ServiceAccount", "serviceaccounts", "", "v1", true, "serviceaccounts", {"sa"}),
    builtin("ResourceQuota", "resourcequotas", "", "v1", true, "resource-quota", {"quota"}),
    builtin("LimitRange", "limitranges", "", "v1", true, "limitranges", {"limits"}),
    builtin("ReplicationController", "replicationcontrollers", "", "v1", true,
            "replication-controllers", {"rc"}),
    builtin("Deployment", "deployments", "apps", "v1", true, "deployments", {"deploy"}),
    builtin("StatefulSet", "statefulsets", "apps", "v1", true, "statefulsets", {"sts"}),
    builtin("DaemonSet", "daemonsets", "apps", "v1", true, "daemonsets", {"ds"}),
    builtin("ReplicaSet", "replicasets", "apps", "v1", true, "replicasets", {"rs"}),
    builtin("Job", "jobs", "batch", "v1", true, "jobs"),
    builtin("CronJob", "cronjobs", "batch", "v1", true, "cronjobs", {"cj"}),
    builtin("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", true, "network-policy",
            {"netpol"}),
    builtin("Ingress", "ingresses", "networking.k8s.io", "v1", true, "ingress", {"ing"}),
    builtin("IngressClass", "ingressclasses", "networking.k8s.io", "v1", false, "ingress-classes"),
    builtin("PodDisruptionBudget", "poddisruptionbudgets", "policy", "v1", true,
            "pod-disruption-budgets", {"pdb"}),
    builtin("HorizontalPodAutoscaler", "horizontalpodautoscalers", "autoscaling", "v2", true,
            "horizontal-pod-autoscalers", {"hpa"}),
    builtin("StorageClass", "storageclasses", "storage.k8s.io", "v1", false, "storage-classes",
            {"sc"}),
    builtin("CSIDriver", "csidrivers", "storage.k8s.io", "v1", false, "csidrivers"),
    builtin("CSINode", "csinodes", "storage.k8s.io", "v1", false, "csinodes"),
    builtin("VolumeAttachment", "volumeattachments", "storage.k8s.io", "v1", false,
            "volumeattachments"),
    builtin("Role", "roles", "rbac.authorization.k8s.io", "v1", true, "roles"),
    builtin("RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1", true, "rolebindings"),
    builtin("ClusterRole", "clusterroles", "rbac.authorization.k8s.io", "v1", false, "clusterroles"),
    builtin("ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", false,
            "clusterrolebindings"),
    builtin("EndpointSlice", "endpointslices", "discovery.k8s.io", "v1", true, "endpointslices"),
    builtin("CustomResourceDefinition", "customresourcedefinitions", "apiextensions.k8s.io", "v1",
            false, "custom-resource-definitions", {"crd", "crds"}),
    builtin("PriorityClass", "priorityclasses", "scheduling.k8s.io", "v1", false, "priorityclasses",
            {"pc"}),
    builtin("Lease", "leases", "coordination.k8s.io", "v1", true, "leases"),
  };
  return k_types;
}

const ResourceType* find_builtin_type(std::string_view plural, std::string_view group)
{
  for (const auto& t : builtin_resource_types()) {
    if (t.plural == plural && t.group == group) {
      return &t;
    }
  }
  return nullptr;
}

const ResourceType* find_builtin_kind(std::string_view kind, std::string_view group)
{
  for (const auto& t : builtin_resource_types()) {
    if (t.kind == kind && t.group == group) {
      return &t;
    }
  }
  return nullptr;
}

std::string_view to_string(CoverageState state)
{
  switch (state) {
    case CoverageState::collected:
      return "collected";
    case CoverageState::partial:
      return "partial";
    case CoverageState::forbidden:
      return "forbidden";
    case CoverageState::failed:
      return "failed";
    case CoverageState::absent:
      return "absent";
  }
  return "absent";
}

std::string StoredObject::pointer() const
{
  if (path != nullptr && object != nullptr) {
    return fmt::format("/items/{}", index);
  }
  return {};
}

ResourceData& ResourceStore::entry(const ResourceType& type)
{
  const std::string key = type.qualified_name();
  if (const auto it = m_index.find(key); it != m_index.end()) {
    return m_data[it->second];
  }
  m_data.push_back(ResourceData{type, {}, {}});
  m_index.emplace(key, m_data.size() - 1);
  return m_data.back();
}

Result<void> ResourceStore::load_file(ResourceData& data, const std::string& path)
{
  const std::string* text = m_bundle->get(path);
  if (text == nullptr) {
    return {};
  }
  // The key object of the map is stable, so its address can serve as the path pointer.
  const std::string* stable_path = &m_bundle->files().find(path)->first;
  CVA_TRY_ASSIGN(doc, parse_json(*text, path));
  m_documents.push_back(std::move(doc));
  const Json& stored = m_documents.back();
  data.coverage.paths.push_back(path);
  if (stored.is_object() && !stored.contains("items") && stored.contains("metadata")) {
    // A single object (troubleshoot writes namespaces.json this way for `-n`).
    data.objects.push_back(StoredObject{&stored, stable_path, 0});
    return {};
  }
  const Json& items = list_items(stored);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_object()) {
      data.objects.push_back(StoredObject{&items[i], stable_path, i});
    }
  }
  return {};
}

namespace {

void apply_errors(Coverage& coverage, const Json& errors)
{
  if (errors.is_object()) {
    for (const auto& [ns, err] : errors.items()) {
      coverage.refused[ns] = error_text(err);
    }
  } else if (errors.is_array()) {
    for (const Json& err : errors) {
      coverage.refused[""] = coverage.refused[""].empty()
                               ? error_text(err)
                               : coverage.refused[""] + "; " + error_text(err);
    }
  } else if (!errors.is_null()) {
    coverage.refused[""] = error_text(errors);
  }
}

void settle(Coverage& coverage)
{
  const bool has_data = !coverage.paths.empty();
  if (coverage.refused.empty()) {
    coverage.state = has_data ? CoverageState::collected : CoverageState::absent;
    if (!has_data && coverage.message.empty()) {
      coverage.message = "not in the bundle";
    }
    return;
  }
  const bool whole_kind = coverage.refused.contains("");
  bool all_forbidden = true;
  std::string first;
  for (const auto& [ns, err] : coverage.refused) {
    all_forbidden = all_forbidden && looks_forbidden(err);
    if (first.empty()) {
      first = ns.empty() ? err : fmt::format("namespace {}: {}", ns, err);
    }
  }
  if (has_data && !whole_kind) {
    coverage.state = CoverageState::partial;
  } else {
    coverage.state = all_forbidden ? CoverageState::forbidden : CoverageState::failed;
  }
  coverage.message = first;
  if (coverage.refused.size() > 1) {
    coverage.message += fmt::format(" (and {} more)", coverage.refused.size() - 1);
  }
}

} // namespace

Result<std::unique_ptr<ResourceStore>> ResourceStore::load(const Bundle& bundle)
{
  auto store = std::make_unique<ResourceStore>();
  store->m_bundle = &bundle;
  const std::string base = std::string(paths::k_cluster_resources) + "/";

  for (const ResourceType& type : builtin_resource_types()) {
    ResourceData& data = store->entry(type);
    if (type.namespaced) {
      for (const std::string& path : bundle.list_dir(base + type.bundle_name, ".json")) {
        CVA_TRY(store->load_file(data, path));
      }
    } else {
      CVA_TRY(store->load_file(data, base + type.bundle_name + ".json"));
    }
    const std::string errors_path =
      base + type.bundle_name + std::string(paths::k_errors_suffix);
    if (const std::string* errors = bundle.get(errors_path)) {
      CVA_TRY_ASSIGN(doc, parse_json(*errors, errors_path));
      apply_errors(data.coverage, doc);
    }
    settle(data.coverage);
  }

  // Custom resources: custom-resources/<plural.group>.json or <plural.group>/<ns>.json.
  const std::string cr_base = std::string(paths::k_custom_resources) + "/";
  Json cr_errors;
  if (const std::string* text = bundle.get(cr_base + "custom-resources-errors.json")) {
    CVA_TRY_ASSIGN(doc, parse_json(*text, cr_base + "custom-resources-errors.json"));
    cr_errors = std::move(doc);
  }
  std::map<std::string, std::vector<std::string>> cr_files; // plural.group -> files
  std::map<std::string, bool> cr_namespaced;
  for (const std::string& path : bundle.list(cr_base)) {
    const std::string rest = path.substr(cr_base.size());
    if (!rest.ends_with(".json") || rest == "custom-resources-errors.json") {
      continue;
    }
    const auto slash = rest.find('/');
    if (slash == std::string::npos) {
      const std::string name = rest.substr(0, rest.size() - 5);
      cr_files[name].push_back(path);
      cr_namespaced.emplace(name, false);
    } else if (rest.find('/', slash + 1) == std::string::npos) {
      const std::string name = rest.substr(0, slash);
      cr_files[name].push_back(path);
      cr_namespaced[name] = true;
    }
  }
  // Types named by CRD errors but with no files still get a coverage entry.
  if (cr_errors.is_object()) {
    for (const auto& [name, err] : cr_errors.items()) {
      cr_files.try_emplace(name);
      (void)err;
    }
  }
  for (const auto& [name, files] : cr_files) {
    ResourceType type;
    const auto dot = name.find('.');
    type.plural = name.substr(0, dot);
    type.group = dot == std::string::npos ? "" : name.substr(dot + 1);
    type.namespaced = cr_namespaced[name];
    type.bundle_name = "custom-resources/" + name;
    ResourceData& data = store->entry(type);
    for (const std::string& path : files) {
      CVA_TRY(store->load_file(data, path));
    }
    for (const StoredObject& obj : data.objects) {
      const std::string api_version = json_string(*obj.object, "apiVersion");
      if (data.type.kind.empty()) {
        data.type.kind = json_string(*obj.object, "kind");
      }
      if (data.type.version.empty() && api_version.find('/') != std::string::npos) {
        data.type.version = api_version.substr(api_version.find('/') + 1);
      }
    }
    if (cr_errors.is_object() && cr_errors.contains(name)) {
      data.coverage.refused[""] = error_text(cr_errors[name]);
    }
    settle(data.coverage);
  }

  // CRDs fill in kind, version and scope of custom resources (and of types with no objects).
  for (const StoredObject& crd : store->get("customresourcedefinitions", "apiextensions.k8s.io").objects) {
    const Json& spec = json_at(*crd.object, "spec");
    const std::string group = json_string(spec, "group");
    const std::string plural = json_string(json_at(spec, "names"), "plural");
    const auto it = store->m_index.find(plural + "." + group);
    if (it == store->m_index.end()) {
      continue;
    }
    ResourceType& type = store->m_data[it->second].type;
    if (type.kind.empty()) {
      type.kind = json_string(json_at(spec, "names"), "kind");
    }
    type.namespaced = json_string(spec, "scope") != "Cluster";
    for (const Json& v : json_array(spec, "versions")) {
      if (json_bool(v, "storage") && type.version.empty()) {
        type.version = json_string(v, "name");
      }
    }
    for (const Json& s : json_array(json_at(spec, "names"), "shortNames")) {
      if (s.is_string()) {
        type.short_names.push_back(s.get<std::string>());
      }
    }
  }
  for (ResourceData& data : store->m_data) {
    if (data.type.kind.empty()) {
      // No object and no CRD: derive something readable from the plural.
      std::string kind = data.type.plural;
      if (kind.ends_with("s")) {
        kind.pop_back();
      }
      if (!kind.empty()) {
        kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
      }
      data.type.kind = kind;
    }
    if (data.type.version.empty()) {
      data.type.version = "v1";
    }
  }
  return store;
}

const ResourceData* ResourceStore::find(std::string_view plural, std::string_view group) const
{
  const std::string key = group.empty() ? std::string(plural) : fmt::format("{}.{}", plural, group);
  const auto it = m_index.find(key);
  return it == m_index.end() ? nullptr : &m_data[it->second];
}

const ResourceData& ResourceStore::get(std::string_view plural, std::string_view group) const
{
  if (const ResourceData* d = find(plural, group)) {
    return *d;
  }
  static const ResourceData k_absent{};
  return k_absent;
}

} // namespace cva
