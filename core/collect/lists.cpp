#include "lists.hpp"

#include <core/bundle/paths.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace cva {

namespace {

constexpr std::string_view k_metadata_accept =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
constexpr int k_page = 500;

std::string url_encode(std::string_view s)
{
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

void normalize_item(Json& item, const ListSpec& spec)
{
  if (spec.metadata_only || json_string(item, "kind") == "PartialObjectMetadata" || json_string(item, "kind").empty()) {
    item["kind"] = spec.kind;
    item["apiVersion"] = spec.group.empty() ? spec.version : spec.group + "/" + spec.version;
  }
  if (spec.metadata_only || spec.plural == "secrets") {
    // `kubectl apply` keeps the whole object, data included, in this annotation: a list asked
    // for without values must not bring them in through it.
    if (const auto meta = item.find("metadata"); meta != item.end() && meta->is_object()) {
      if (const auto annotations = meta->find("annotations"); annotations != meta->end() && annotations->is_object()) {
        annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
      }
    }
  }
  if (spec.plural == "secrets") {
    // Keep key names (useful to tell whether a variable is set), never values.
    std::vector<std::string> keys;
    for (const char* field : {"data", "stringData"}) {
      if (item.contains(field) && item[field].is_object()) {
        for (const auto& [k, v] : item[field].items()) {
          keys.push_back(k);
          (void)v;
        }
        item.erase(field);
      }
    }
    if (!keys.empty()) {
      item["metadata"]["annotations"]["coder-cva.coder.com/keys"] = fmt::format("{}", fmt::join(keys, ","));
    }
  }
}

} // namespace

std::string list_path(const ListSpec& spec, const std::string& namespace_)
{
  const std::string base = spec.group.empty() ? fmt::format("/api/{}", spec.version)
                                              : fmt::format("/apis/{}/{}", spec.group, spec.version);
  if (!namespace_.empty() && spec.namespaced) {
    return fmt::format("{}/namespaces/{}/{}", base, namespace_, spec.plural);
  }
  return fmt::format("{}/{}", base, spec.plural);
}

HttpResponse list_pages(CollectContext& context, const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers,
                        Json& items, std::string& resource_version)
{
  std::string token;
  while (true) {
    std::string url = fmt::format("{}?limit={}", path, k_page);
    if (!token.empty()) {
      url += "&continue=" + url_encode(token);
    }
    HttpResponse r = context.get(url, headers);
    if (!r.ok()) {
      return r;
    }
    auto doc = parse_json(r.body, url);
    if (!doc) {
      r.status = 0;
      r.error = doc.error().message;
      return r;
    }
    if (Json& page = (*doc)["items"]; page.is_array()) {
      for (Json& item : page) {
        items.push_back(std::move(item));
      }
    }
    const Json& meta = json_at(*doc, "metadata");
    resource_version = json_string(meta, "resourceVersion", resource_version);
    token = json_string(meta, "continue");
    if (token.empty()) {
      r.body.clear();
      return r;
    }
  }
}

long collect_namespace_list(CollectContext& context, const ListSpec& spec, const std::string& namespace_)
{
  std::vector<std::pair<std::string, std::string>> headers;
  if (spec.metadata_only) {
    headers.emplace_back("Accept", std::string(k_metadata_accept));
  }
  Json items = Json::array();
  std::string rv;
  const HttpResponse r = list_pages(context, list_path(spec, namespace_), headers, items, rv);
  if (!r.ok()) {
    context.record_error(spec.bundle_name, namespace_, r.describe());
    return -1;
  }
  for (Json& item : items) {
    normalize_item(item, spec);
  }
  const long n = static_cast<long>(items.size());
  context.put_json(fmt::format("{}/{}/{}.json", paths::k_cluster_resources, spec.bundle_name, namespace_),
                   Json{{"apiVersion", spec.group.empty() ? spec.version : spec.group + "/" + spec.version},
                        {"kind", spec.kind + "List"}, {"metadata", {{"resourceVersion", rv}}}, {"items", std::move(items)}});
  return n;
}

ListOutcome collect_list(CollectContext& context, const ListSpec& spec, const std::vector<std::string>& namespaces)
{
  ListOutcome outcome;
  std::vector<std::pair<std::string, std::string>> headers;
  if (spec.metadata_only) {
    headers.emplace_back("Accept", std::string(k_metadata_accept));
  }
  const std::string list_kind = spec.kind + "List";
  const std::string api_version = spec.group.empty() ? spec.version : spec.group + "/" + spec.version;
  const auto write = [&](const std::string& path, Json items, const std::string& rv) {
    outcome.objects += items.size();
    for (const Json& item : items) {
      outcome.names.push_back(json_string(json_at(item, "metadata"), "name"));
    }
    context.put_json(path, Json{{"apiVersion", api_version}, {"kind", list_kind},
                                {"metadata", {{"resourceVersion", rv}}}, {"items", std::move(items)}});
  };
  const std::string base = std::string(paths::k_cluster_resources) + "/" + spec.bundle_name;

  Json items = Json::array();
  std::string rv;
  const HttpResponse whole = list_pages(context, list_path(spec), headers, items, rv);
  if (whole.ok()) {
    for (Json& item : items) {
      normalize_item(item, spec);
    }
    if (!spec.namespaced) {
      write(base + ".json", std::move(items), rv);
      return outcome;
    }
    // Every known namespace gets its file, empty or not, as troubleshoot writes them: a kind listed
    // with no objects at all is then still recorded as collected rather than absent.
    std::map<std::string, Json> by_namespace;
    for (const std::string& ns : namespaces) {
      by_namespace[ns] = Json::array();
    }
    for (Json& item : items) {
      Json& list = by_namespace[json_string(json_at(item, "metadata"), "namespace")];
      if (list.is_null()) {
        list = Json::array();
      }
      list.push_back(std::move(item));
    }
    for (auto& [ns, list] : by_namespace) {
      write(fmt::format("{}/{}.json", base, ns), std::move(list), rv);
    }
    return outcome;
  }
  // Refused (or failed) cluster-wide: namespaced kinds fall back to each known namespace, so a
  // user who may read only some namespaces still gets those.
  if (!spec.namespaced || namespaces.empty() || (whole.status != 403 && whole.status != 401)) {
    context.record_error(spec.bundle_name, "", whole.describe());
    outcome.refused = true;
    return outcome;
  }
  // Namespaces we do not know of are not covered: say so under a key of its own.
  context.record_error(spec.bundle_name, "(cluster-wide)",
                       fmt::format("{}; listed the {} known namespace(s) one by one", whole.describe(), namespaces.size()));
  std::size_t listed = 0;
  for (const std::string& ns : namespaces) {
    Json ns_items = Json::array();
    std::string ns_rv;
    const HttpResponse r = list_pages(context, list_path(spec, ns), headers, ns_items, ns_rv);
    if (!r.ok()) {
      context.record_error(spec.bundle_name, ns, r.describe());
      ++outcome.refused_namespaces;
      continue;
    }
    ++listed;
    for (Json& item : ns_items) {
      normalize_item(item, spec);
    }
    write(fmt::format("{}/{}.json", base, ns), std::move(ns_items), ns_rv);
  }
  outcome.refused = listed == 0;
  return outcome;
}

} // namespace cva
