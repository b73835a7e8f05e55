#include "discovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace cva::serve {

namespace {

// Kinds kubectl expands `all` to, as the API server lists them.
bool in_category_all(const ResourceType& t)
{
  static const std::set<std::string> k_all = {
    "pods", "services", "replicationcontrollers", "daemonsets.apps", "deployments.apps",
    "replicasets.apps", "statefulsets.apps", "jobs.batch", "cronjobs.batch",
    "horizontalpodautoscalers.autoscaling"};
  return !t.is_custom() && k_all.contains(t.qualified_name());
}

std::string singular_of(const ResourceType& t)
{
  std::string s = t.kind;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Group name -> versions, in first-seen order (types are in a stable order).
std::map<std::string, std::vector<std::string>> versions_by_group(const std::vector<ResourceType>& types)
{
  std::map<std::string, std::vector<std::string>> out;
  for (const ResourceType& t : types) {
    if (t.group.empty()) {
      continue;
    }
    auto& versions = out[t.group];
    if (std::find(versions.begin(), versions.end(), t.version) == versions.end()) {
      versions.push_back(t.version);
    }
  }
  return out;
}

Json group_json(const std::string& name, const std::vector<std::string>& versions)
{
  Json vs = Json::array();
  for (const std::string& v : versions) {
    vs.push_back({{"groupVersion", name + "/" + v}, {"version", v}});
  }
  return {{"name", name}, {"versions", vs}, {"preferredVersion", vs.front()}};
}

bool has_status(const ResourceType& t)
{
  static const std::set<std::string> k_without = {
    "events", "configmaps", "secrets", "serviceaccounts", "endpoints", "limitranges",
    "storageclasses.storage.k8s.io", "csidrivers.storage.k8s.io", "csinodes.storage.k8s.io",
    "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
    "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
    "endpointslices.discovery.k8s.io", "priorityclasses.scheduling.k8s.io",
    "leases.coordination.k8s.io", "ingressclasses.networking.k8s.io"};
  return !t.is_custom() && !k_without.contains(t.qualified_name());
}

Json verbs_json()
{
  return read_only_verbs();
}

} // namespace

const std::vector<std::string>& read_only_verbs()
{
  static const std::vector<std::string> k_verbs = {"get", "list", "watch"};
  return k_verbs;
}

Json core_versions()
{
  return {{"kind", "APIVersions"}, {"versions", {"v1"}}, {"serverAddressByClientCIDRs", Json::array()}};
}

Json group_list(const std::vector<ResourceType>& types)
{
  Json groups = Json::array();
  for (const auto& [name, versions] : versions_by_group(types)) {
    groups.push_back(group_json(name, versions));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<Json> group(const std::vector<ResourceType>& types, std::string_view name)
{
  const auto all = versions_by_group(types);
  const auto it = all.find(std::string(name));
  if (it == all.end()) {
    return std::nullopt;
  }
  Json g = group_json(it->first, it->second);
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

std::optional<Json> resource_list(const std::vector<ResourceType>& types, std::string_view group,
                                  std::string_view version)
{
  Json resources = Json::array();
  for (const ResourceType& t : types) {
    if (t.group != group || t.version != version) {
      continue;
    }
    Json r = {{"name", t.plural},        {"singularName", singular_of(t)}, {"namespaced", t.namespaced},
              {"kind", t.kind},          {"verbs", verbs_json()}};
    if (!t.short_names.empty()) {
      r["shortNames"] = t.short_names;
    }
    if (in_category_all(t)) {
      r["categories"] = {"all"};
    }
    resources.push_back(std::move(r));
    if (has_status(t)) {
      resources.push_back({{"name", t.plural + "/status"}, {"singularName", ""}, {"namespaced", t.namespaced},
                           {"kind", t.kind}, {"verbs", {"get"}}});
    }
    if (t.qualified_name() == "pods") {
      resources.push_back({{"name", "pods/log"}, {"singularName", ""}, {"namespaced", true},
                           {"kind", "Pod"}, {"verbs", {"get"}}});
    }
  }
  if (resources.empty()) {
    return std::nullopt;
  }
  const std::string group_version =
    group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return Json{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group_version},
              {"resources", resources}};
}

std::string aggregated_content_type(std::string_view version)
{
  return fmt::format("application/json;g=apidiscovery.k8s.io;v={};as=APIGroupDiscoveryList", version);
}

Json aggregated(const std::vector<ResourceType>& types, bool core, std::string_view version)
{
  // group -> version -> resources, groups in name order with the core group alone.
  std::map<std::string, std::map<std::string, Json>> tree;
  for (const ResourceType& t : types) {
    if (t.group.empty() != core) {
      continue;
    }
    Json& list = tree[t.group][t.version];
    if (list.is_null()) {
      list = Json::array();
    }
    Json r = {{"resource", t.plural},
              {"responseKind", {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}},
              {"scope", t.namespaced ? "Namespaced" : "Cluster"},
              {"singularResource", singular_of(t)},
              {"verbs", verbs_json()}};
    if (!t.short_names.empty()) {
      r["shortNames"] = t.short_names;
    }
    if (in_category_all(t)) {
      r["categories"] = {"all"};
    }
    Json subresources = Json::array();
    if (has_status(t)) {
      subresources.push_back({{"subresource", "status"},
                              {"responseKind", {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}},
                              {"verbs", {"get"}}});
    }
    if (t.qualified_name() == "pods") {
      subresources.push_back({{"subresource", "log"},
                              {"responseKind", {{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}},
                              {"verbs", {"get"}}});
    }
    if (!subresources.empty()) {
      r["subresources"] = std::move(subresources);
    }
    list.push_back(std::move(r));
  }
  Json items = Json::array();
  for (auto& [group, versions] : tree) {
    Json vs = Json::array();
    for (auto& [group_version, resources] : versions) {
      vs.push_back({{"version", group_version}, {"resources", std::move(resources)}, {"freshness", "Current"}});
    }
    items.push_back({{"metadata", {{"name", group}}}, {"versions", std::move(vs)}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", fmt::format("apidiscovery.k8s.io/{}", version)},
          {"metadata", Json::object()},
          {"items", std::move(items)}};
}

} // namespace cva::serve
