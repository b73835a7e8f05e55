#include "manifests.hpp"

#include <core/bundle/paths.hpp>
#include <core/bundle/resources.hpp>
#include <core/model/labels.hpp>
#include <core/util/yaml.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace cva {

namespace {

constexpr std::string_view k_synthesized_annotation = "coder-cva.coder.com/synthesized-from";
constexpr std::string_view k_source_annotation = "coder-cva.coder.com/source";

std::string lower(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string pluralize(const std::string& kind)
{
  std::string p = lower(kind);
  if (p.ends_with("y") && p.size() > 1 && std::string_view("aeiou").find(p[p.size() - 2]) == std::string_view::npos) {
    p.pop_back();
    return p + "ies";
  }
  if (p.ends_with("s") || p.ends_with("x") || p.ends_with("ch") || p.ends_with("sh")) {
    return p + "es";
  }
  return p + "s";
}

std::string group_of(const std::string& api_version)
{
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

void expand(Json object, const std::string& source, std::vector<ManifestObject>& out)
{
  if (!object.is_object()) {
    return;
  }
  const std::string kind = json_string(object, "kind");
  if (kind.ends_with("List") && object.contains("items") && object["items"].is_array()) {
    for (Json& item : object["items"]) {
      expand(std::move(item), source, out);
    }
    return;
  }
  if (kind.empty() || json_string(json_at(object, "metadata"), "name").empty()) {
    return; // not a Kubernetes object (values files, Helm hooks' empty docs)
  }
  out.push_back(ManifestObject{std::move(object), source});
}

struct Layout
{
  // bundle path -> items
  std::map<std::string, Json> files;
  void add(const std::string& path, Json object)
  {
    Json& list = files[path];
    if (list.is_null()) {
      list = Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array()}};
    }
    list["items"].push_back(std::move(object));
  }
};

std::string object_path(const Json& obj, const std::string& ns)
{
  const std::string kind = json_string(obj, "kind");
  const std::string group = group_of(json_string(obj, "apiVersion"));
  const std::string base = std::string(paths::k_cluster_resources) + "/";
  if (const ResourceType* t = find_builtin_kind(kind, group)) {
    return t->namespaced ? fmt::format("{}{}/{}.json", base, t->bundle_name, ns)
                         : fmt::format("{}{}.json", base, t->bundle_name);
  }
  const std::string name = group.empty() ? pluralize(kind) : pluralize(kind) + "." + group;
  if (ns.empty()) {
    return fmt::format("{}/{}.json", paths::k_custom_resources, name);
  }
  return fmt::format("{}/{}/{}.json", paths::k_custom_resources, name, ns);
}

bool is_cluster_scoped_builtin(const Json& obj)
{
  const ResourceType* t =
    find_builtin_kind(json_string(obj, "kind"), group_of(json_string(obj, "apiVersion")));
  return t != nullptr && !t->namespaced;
}

Json make_pod(const Json& workload, const std::string& ns, const std::string& pod_name,
              const std::string& node_name)
{
  const Json& tmpl = json_path(workload, {"spec", "template"});
  Json pod = Json::object();
  pod["apiVersion"] = "v1";
  pod["kind"] = "Pod";
  Json meta = json_at(tmpl, "metadata").is_object() ? json_at(tmpl, "metadata") : Json::object();
  if (!json_at(meta, "annotations").is_object()) {
    meta["annotations"] = Json::object();
  }
  meta["name"] = pod_name;
  meta["namespace"] = ns;
  const std::string kind = json_string(workload, "kind");
  const std::string wname = json_string(json_at(workload, "metadata"), "name");
  if (!meta["annotations"].is_object()) {
    meta["annotations"] = Json::object();
  }
  meta["annotations"][std::string(k_synthesized_annotation)] = kind + "/" + wname;
  meta["ownerReferences"] = Json::array(
    {Json{{"apiVersion", json_string(workload, "apiVersion")}, {"kind", kind}, {"name", wname},
          {"controller", true}}});
  pod["metadata"] = std::move(meta);
  pod["spec"] = json_at(tmpl, "spec").is_object() ? json_at(tmpl, "spec") : Json::object();
  if (!node_name.empty()) {
    pod["spec"]["nodeName"] = node_name;
  }
  pod["status"] = Json{{"phase", "Pending"}};
  return pod;
}

} // namespace

bool is_manifest_file_name(std::string_view name)
{
  return name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
}

Result<std::vector<ManifestObject>> parse_manifest_text(std::string_view text, std::string_view what)
{
  std::vector<ManifestObject> out;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    CVA_TRY_ASSIGN(doc, parse_json(text, what));
    if (doc.is_array()) {
      std::size_t i = 0;
      for (Json& item : doc) {
        expand(std::move(item), fmt::format("{}#{}", what, i++), out);
      }
    } else {
      expand(std::move(doc), std::string(what), out);
    }
    return out;
  }
  CVA_TRY_ASSIGN(docs, parse_yaml_documents(text, what));
  std::size_t i = 0;
  for (Json& doc : docs) {
    expand(std::move(doc), fmt::format("{}#{}", what, i++), out);
  }
  return out;
}

Result<Bundle> manifests_to_bundle(const std::vector<ManifestObject>& objects,
                                   const ManifestLayoutOptions& options)
{
  const std::string& default_namespace = options.default_namespace;
  Layout layout;
  std::vector<Json> pods;
  std::vector<Json> workloads;
  std::vector<std::string> nodes;
  std::set<std::string> seen;
  for (const ManifestObject& mo : objects) {
    Json obj = mo.object;
    // parse_manifest_text only keeps objects whose metadata is a mapping with a name.
    Json& meta = obj["metadata"];
    for (const char* field : {"labels", "annotations"}) {
      if (meta.contains(field) && !meta[field].is_object() && !meta[field].is_null()) {
        return fail(fmt::format("{}: metadata.{} of {} {} is not a map", mo.source, field, json_string(obj, "kind"),
                                json_string(meta, "name")));
      }
    }
    if (meta.contains("namespace") && !meta["namespace"].is_string() && !meta["namespace"].is_null()) {
      return fail(fmt::format("{}: metadata.namespace of {} {} is not a string", mo.source, json_string(obj, "kind"),
                              json_string(meta, "name")));
    }
    if (!is_cluster_scoped_builtin(obj) && json_string(meta, "namespace").empty()) {
      meta["namespace"] = default_namespace;
    }
    const std::string kind = json_string(obj, "kind");
    const std::string ns = json_string(meta, "namespace");
    const std::string key = fmt::format("{}/{}/{}/{}", json_string(obj, "apiVersion"), kind, ns,
                                        json_string(meta, "name"));
    if (!seen.insert(key).second) {
      return fail(fmt::format("{}: {} {}/{} appears twice in the input", mo.source, kind, ns,
                              json_string(meta, "name")));
    }
    if (options.annotate_source) {
      meta["annotations"][std::string(k_source_annotation)] = mo.source;
    }
    if (kind == "Pod") {
      pods.push_back(obj);
    } else if (kind == "Node") {
      nodes.push_back(json_string(meta, "name"));
    }
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
        kind == "ReplicaSet" || kind == "Job") {
      workloads.push_back(obj);
    }
    const std::string path = object_path(obj, is_cluster_scoped_builtin(obj) ? "" : ns);
    layout.add(path, std::move(obj));
  }

  std::size_t synthesized = 0;
  for (const Json& w : options.synthesize_pods ? workloads : std::vector<Json>{}) {
    const std::string kind = json_string(w, "kind");
    const Json& meta = json_at(w, "metadata");
    const std::string ns = json_string(meta, "namespace");
    const std::string name = json_string(meta, "name");
    if (kind == "ReplicaSet" && json_array(meta, "ownerReferences").size() > 0) {
      continue; // its Deployment speaks for it
    }
    auto selector = LabelSelector::from_json(json_path(w, {"spec", "selector"}));
    if (!selector) {
      return fail(fmt::format("{} {}/{}: {}", kind, ns, name, selector.error().message));
    }
    const bool has_pods = std::any_of(pods.begin(), pods.end(), [&](const Json& p) {
      return json_string(json_at(p, "metadata"), "namespace") == ns &&
             selector->matches(to_string_map(json_path(p, {"metadata", "labels"})));
    });
    if (has_pods) {
      continue;
    }
    std::vector<std::pair<std::string, std::string>> planned; // pod name, node
    if (kind == "DaemonSet") {
      for (const std::string& node : nodes) {
        planned.emplace_back(fmt::format("{}-{}", name, node), node);
      }
    } else {
      std::int64_t count = kind == "Job" ? json_int(json_at(w, "spec"), "parallelism", 1)
                                         : json_int(json_at(w, "spec"), "replicas", 1);
      count = std::clamp<std::int64_t>(count, 0, 10'000);
      for (std::int64_t i = 0; i < count; ++i) {
        planned.emplace_back(kind == "StatefulSet" ? fmt::format("{}-{}", name, i)
                                                   : fmt::format("{}-planned-{}", name, i),
                             "");
      }
    }
    for (const auto& [pod_name, node] : planned) {
      layout.add(fmt::format("{}/pods/{}.json", paths::k_cluster_resources, ns),
                 make_pod(w, ns, pod_name, node));
      ++synthesized;
    }
  }

  Bundle bundle;
  for (auto& [path, list] : layout.files) {
    bundle.put(path, to_pretty_json(list));
  }
  if (!options.synthesize_pods) {
    return bundle;
  }
  Json manifest = {
    {"format_version", 1},
    {"input", {{"format", "manifests"}, {"objects", objects.size()}, {"synthesized_pods", synthesized}}},
  };
  if (synthesized > 0) {
    manifest["coverage"]["pods"] = {
      {"synthesized", true},
      {"message", fmt::format("{} pods synthesized from workload templates", synthesized)}};
  }
  bundle.put(std::string(paths::k_manifest), to_pretty_json(manifest));
  return bundle;
}

} // namespace cva
