#include "api.hpp"

#include <core/bundle/paths.hpp>
#include <core/serve/discovery.hpp>
#include <core/serve/coder_proxy.hpp>
#include <core/serve/logs.hpp>
#include <core/serve/tables.hpp>
#include <core/util/time.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

namespace cva::serve {

namespace {

constexpr std::string_view k_read_only =
  "the server does not allow this method on the requested resource: this is a read-only copy "
  "of a support bundle served by kubectl coder-cva";

// Where `kubectl auth can-i` posts its reviews.
constexpr std::string_view k_authorization_path = "/apis/authorization.k8s.io/v1/";

std::string_view reason_for(int code)
{
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 415:
      return "UnsupportedMediaType";
    case 410:
      return "Expired";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return code >= 500 ? "InternalError" : "BadRequest";
  }
}

ApiResponse json_response(const Json& body, int status = 200)
{
  ApiResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

ApiResponse status_response(int code, std::string_view message, const Json& details = Json::object())
{
  return json_response(status_object(code, reason_for(code), message, details), code);
}

// The status code a recorded collection error deserves: what the API server would have said.
int code_for_recorded(std::string_view message)
{
  std::string lower(message);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("forbidden") != std::string::npos) {
    return 403;
  }
  if (lower.find("unauthorized") != std::string::npos) {
    return 401;
  }
  if (lower.find("not found") != std::string::npos || lower.find("could not find") != std::string::npos) {
    return 404;
  }
  if (lower.find("timeout") != std::string::npos || lower.find("timed out") != std::string::npos) {
    return 504;
  }
  return 500;
}

std::vector<std::string> split_path(std::string_view path)
{
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    const std::size_t slash = std::min(path.find('/', pos), path.size());
    if (slash > pos) {
      out.emplace_back(path.substr(pos, slash - pos));
    }
    pos = slash + 1;
  }
  return out;
}

// True when one media range of `accept` asks for `as=<as>` in group `group` (and version
// `version`, when given).
bool accepts_as(std::string_view accept, std::string_view as, std::string_view group,
                std::string_view version = {})
{
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    const std::size_t comma = std::min(accept.find(',', pos), accept.size());
    const std::string_view range = accept.substr(pos, comma - pos);
    pos = comma + 1;
    bool as_ok = false;
    bool group_ok = false;
    bool version_ok = version.empty();
    std::size_t p = range.find(';');
    while (p != std::string_view::npos) {
      const std::size_t next = range.find(';', p + 1);
      std::string_view param = range.substr(p + 1, (next == std::string_view::npos ? range.size() : next) - p - 1);
      while (!param.empty() && param.front() == ' ') {
        param.remove_prefix(1);
      }
      as_ok = as_ok || param == fmt::format("as={}", as);
      group_ok = group_ok || param == fmt::format("g={}", group);
      version_ok = version_ok || param == fmt::format("v={}", version);
      p = next;
    }
    if (as_ok && group_ok && version_ok) {
      return true;
    }
  }
  return false;
}

bool truthy(std::string_view value)
{
  return value == "true" || value == "1" || value == "True";
}

// An optional integer query parameter; an error names it.
Result<std::optional<std::int64_t>> int_param(const ApiRequest& request, std::string_view key)
{
  if (!request.has_param(key)) {
    return std::optional<std::int64_t>{};
  }
  const std::string text = request.param(key);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return fail(fmt::format("{}: '{}' is not an integer", key, text));
  }
  return std::optional<std::int64_t>{value};
}

// The length-delimited fields of one protobuf message, by field number (later ones win); nullopt
// when `bytes` is not a well-formed message.
std::optional<std::map<std::uint64_t, std::string_view>> protobuf_fields(std::string_view bytes)
{
  std::map<std::uint64_t, std::string_view> out;
  std::size_t pos = 0;
  const auto varint = [&]() -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(bytes[pos++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        return value;
      }
    }
    return std::nullopt;
  };
  while (pos < bytes.size()) {
    const auto key = varint();
    if (!key) {
      return std::nullopt;
    }
    const std::uint64_t wire = *key & 7;
    if (wire == 0) {
      if (!varint()) {
        return std::nullopt;
      }
    } else if (wire == 1 || wire == 5) {
      pos += wire == 1 ? 8 : 4;
    } else if (wire == 2) {
      const auto length = varint();
      if (!length || *length > bytes.size() - pos) {
        return std::nullopt;
      }
      out[*key >> 3] = bytes.substr(pos, *length);
      pos += *length;
    } else {
      return std::nullopt;
    }
  }
  if (pos > bytes.size()) {
    return std::nullopt;
  }
  return out;
}

// The string fields `names` (numbered from 1) of a protobuf message, as a JSON object.
std::optional<Json> protobuf_strings(std::string_view message, const std::vector<std::string>& names)
{
  const auto fields = protobuf_fields(message);
  if (!fields) {
    return std::nullopt;
  }
  Json out = Json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (const auto it = fields->find(i + 1); it != fields->end()) {
      out[names[i]] = std::string(it->second);
    }
  }
  return out;
}

// The spec of an access review (a rules review when `rules`) sent as Kubernetes protobuf (`k8s\0`,
// then a runtime.Unknown whose field 2 holds the review, whose field 2 is the spec), as JSON;
// nullopt when unreadable.
std::optional<Json> review_spec_from_protobuf(std::string_view body, bool rules)
{
  constexpr std::string_view k_magic{"k8s\0", 4};
  if (!body.starts_with(k_magic)) {
    return std::nullopt;
  }
  const auto envelope = protobuf_fields(body.substr(k_magic.size()));
  const auto review = envelope && envelope->contains(2) ? protobuf_fields(envelope->at(2)) : std::nullopt;
  if (rules) {
    return review && review->contains(2) ? protobuf_strings(review->at(2), {"namespace"}) : std::nullopt;
  }
  const auto spec = review && review->contains(2) ? protobuf_fields(review->at(2)) : std::nullopt;
  if (!spec) {
    return std::nullopt;
  }
  Json out = Json::object();
  if (spec->contains(1)) {
    auto attributes =
      protobuf_strings(spec->at(1), {"namespace", "verb", "group", "version", "resource", "subresource", "name"});
    if (!attributes) {
      return std::nullopt;
    }
    out["resourceAttributes"] = std::move(*attributes);
  }
  if (spec->contains(2)) {
    auto attributes = protobuf_strings(spec->at(2), {"path", "verb"});
    if (!attributes) {
      return std::nullopt;
    }
    out["nonResourceAttributes"] = std::move(*attributes);
  }
  return out;
}

std::string describe_type(const ResourceType& type)
{
  return type.qualified_name();
}

} // namespace

struct ApiServer::Target
{
  const Served* served = nullptr;
  std::string ns;
  std::string name;
  std::string subresource;
};

std::string ApiRequest::param(std::string_view key) const
{
  const auto it = params.find(std::string(key));
  return it == params.end() ? std::string() : it->second;
}

Json status_object(int code, std::string_view reason, std::string_view message, const Json& details)
{
  return {{"kind", "Status"},  {"apiVersion", "v1"},  {"metadata", Json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"details", details},  {"code", code}};
}

ApiServer::ApiServer(const Snapshot& snapshot) : m_snapshot(snapshot)
{
  if (const auto t = parse_rfc3339(snapshot.collected_at)) {
    m_now = *t;
    m_collection_time_known = true;
  } else {
    m_now = unix_now();
  }
  m_resource_version = std::to_string(m_collection_time_known ? m_now : 1);

  for (const ResourceData& data : snapshot.store().all()) {
    if (data.type.group.empty() && data.type.is_custom()) {
      continue; // a custom resource needs a group; such files cannot be served faithfully
    }
    Served served;
    served.type = data.type;
    served.coverage = &data.coverage;
    if (!data.type.is_custom()) {
      served.coverage = &snapshot.coverage(data.type.group.empty() ? data.type.plural : data.type.qualified_name());
    }
    for (const StoredObject& obj : data.objects) {
      const Json& meta = json_at(*obj.object, "metadata");
      const std::string name = json_string(meta, "name");
      if (name.empty()) {
        continue;
      }
      const std::string ns = data.type.namespaced ? json_string(meta, "namespace") : "";
      served.entries.push_back(ListEntry{ns + "/" + name, obj.object});
    }
    std::stable_sort(served.entries.begin(), served.entries.end(),
                     [](const ListEntry& a, const ListEntry& b) { return a.key < b.key; });
    served.entries.erase(std::unique(served.entries.begin(), served.entries.end(),
                                     [](const ListEntry& a, const ListEntry& b) { return a.key == b.key; }),
                         served.entries.end());
    m_types.push_back(served.type);
    m_served.push_back(std::move(served));
  }
  // CRDs give custom resources their printer columns, and kinds whose CRD the bundle holds but
  // none of whose objects it does are still served (empty, with the "not collected" warning), as
  // the customer's API server would have listed them.
  static const Coverage k_not_collected{};
  for (const StoredObject& crd : snapshot.store().get("customresourcedefinitions", "apiextensions.k8s.io").objects) {
    const Json& spec = json_at(*crd.object, "spec");
    const Json& names = json_at(spec, "names");
    const std::string plural = json_string(names, "plural");
    const std::string group = json_string(spec, "group");
    if (plural.empty() || group.empty()) {
      continue;
    }
    auto it = std::find_if(m_served.begin(), m_served.end(), [&](const Served& s) {
      return s.type.is_custom() && s.type.plural == plural && s.type.group == group;
    });
    if (it == m_served.end()) {
      Served served;
      served.type = ResourceType{json_string(names, "kind"), plural, group, "", json_string(spec, "scope") != "Cluster",
                                 "custom-resources/" + plural + "." + group, {}};
      for (const Json& v : json_array(spec, "versions")) {
        if (served.type.version.empty() || json_bool(v, "storage")) {
          served.type.version = json_string(v, "name");
        }
      }
      for (const Json& short_name : json_array(names, "shortNames")) {
        if (short_name.is_string()) {
          served.type.short_names.push_back(short_name.get<std::string>());
        }
      }
      if (served.type.kind.empty() || served.type.version.empty()) {
        continue;
      }
      served.coverage = &k_not_collected;
      m_types.push_back(served.type);
      m_served.push_back(std::move(served));
      it = std::prev(m_served.end());
    }
    for (const Json& v : json_array(spec, "versions")) {
      if (json_string(v, "name") == it->type.version && json_at(v, "additionalPrinterColumns").is_array()) {
        it->printer_columns = &json_at(v, "additionalPrinterColumns");
      }
    }
  }
}

ApiResponse ApiServer::handle(const ApiRequest& request) const
{
  if (request.method == "POST" && request.path.starts_with(k_authorization_path)) {
    const std::string_view kind = std::string_view(request.path).substr(k_authorization_path.size());
    if (kind == "selfsubjectaccessreviews" || kind == "selfsubjectrulesreviews") {
      return serve_access_review(request, kind == "selfsubjectrulesreviews");
    }
  }
  if (request.method != "GET" && request.method != "HEAD") {
    ApiResponse r = status_response(405, k_read_only);
    r.note = "read-only";
    return r;
  }
  return route(request);
}

const ApiServer::Served* ApiServer::find_type(std::string_view group, std::string_view version,
                                              std::string_view plural) const
{
  for (const Served& s : m_served) {
    if (s.type.group == group && s.type.version == version && s.type.plural == plural) {
      return &s;
    }
  }
  return nullptr;
}

const Json* ApiServer::find_object(const Served& served, std::string_view ns, std::string_view name) const
{
  const std::string key = fmt::format("{}/{}", ns, name);
  const auto it = std::lower_bound(served.entries.begin(), served.entries.end(), key,
                                   [](const ListEntry& e, const std::string& k) { return e.key < k; });
  return it != served.entries.end() && it->key == key ? it->object : nullptr;
}

Json ApiServer::served_object(const Served& served, const Json& object) const
{
  Json out = object;
  out["kind"] = served.type.kind;
  out["apiVersion"] = served.type.api_version();
  Json& meta = out["metadata"];
  if (!meta.contains("resourceVersion")) {
    meta["resourceVersion"] = m_resource_version;
  }
  return out;
}

ApiResponse ApiServer::route(const ApiRequest& request) const
{
  const std::vector<std::string> seg = split_path(request.path);
  const auto not_found = [] { return status_response(404, "the server could not find the requested resource"); };
  if (seg.empty()) {
    return json_response({{"paths", {"/api", "/api/v1", "/apis", "/version"}}});
  }
  if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "readyz" || seg[0] == "livez")) {
    ApiResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok";
    return r;
  }
  if (seg[0] == "openapi") {
    ApiResponse r;
    r.status = 501;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "OpenAPI is not served: a support bundle holds objects, not the cluster's API schema, so kubectl explain and client-side validation do not work against kubectl coder-cva serve";
    return r;
  }
  if (seg.size() == 1 && seg[0] == "version") {
    return serve_version();
  }
  if (auto proxied = serve_coder_proxy(m_snapshot, request)) {
    return *proxied;
  }
  if (seg.size() == 1 && (seg[0] == "api" || seg[0] == "apis")) {
    for (const char* version : {"v2", "v2beta1"}) {
      if (accepts_as(request.accept, "APIGroupDiscoveryList", "apidiscovery.k8s.io", version)) {
        ApiResponse r = json_response(aggregated(m_types, seg[0] == "api", version));
        r.content_type = aggregated_content_type(version);
        return r;
      }
    }
    return json_response(seg[0] == "api" ? core_versions() : group_list(m_types));
  }
  std::string group;
  std::string version;
  std::size_t rest = 0;
  if (seg[0] == "api" && seg.size() >= 2) {
    version = seg[1];
    rest = 2;
  } else if (seg[0] == "apis" && seg.size() == 2) {
    const auto g = serve::group(m_types, seg[1]);
    return g ? json_response(*g) : not_found();
  } else if (seg[0] == "apis" && seg.size() >= 3) {
    group = seg[1];
    version = seg[2];
    rest = 3;
  } else {
    return not_found();
  }
  if (seg.size() == rest) {
    const auto list = resource_list(m_types, group, version);
    return list ? json_response(*list) : not_found();
  }

  Target target;
  const std::size_t n = seg.size() - rest;
  const auto at = [&](std::size_t i) -> const std::string& { return seg[rest + i]; };
  if (at(0) == "namespaces" && n >= 3 && find_type(group, version, at(2)) != nullptr) {
    target.ns = at(1);
    target.served = find_type(group, version, at(2));
    if (!target.served->type.namespaced || n > 5) {
      return not_found();
    }
    target.name = n >= 4 ? at(3) : "";
    target.subresource = n == 5 ? at(4) : "";
  } else {
    target.served = find_type(group, version, at(0));
    if (target.served == nullptr || n > 3 || (n >= 2 && target.served->type.namespaced)) {
      return not_found();
    }
    target.name = n >= 2 ? at(1) : "";
    target.subresource = n == 3 ? at(2) : "";
  }
  return serve_resource(request, target);
}

ApiResponse ApiServer::serve_resource(const ApiRequest& request, const Target& target) const
{
  const Served& served = *target.served;
  const Coverage& coverage = *served.coverage;
  const auto refusal = [&]() -> const std::string* {
    if (const auto it = coverage.refused.find(""); it != coverage.refused.end() && served.entries.empty()) {
      return &it->second;
    }
    if (!target.ns.empty()) {
      if (const auto it = coverage.refused.find(target.ns); it != coverage.refused.end()) {
        return &it->second;
      }
    } else if (target.name.empty() && !coverage.refused.empty() && served.entries.empty()) {
      // Refused in some namespaces and seen in none: the customer could not list it cluster-wide
      // either, and an empty 200 would pass for "there are none".
      return &coverage.refused.begin()->second;
    }
    return nullptr;
  };
  if (const std::string* message = refusal()) {
    ApiResponse r = status_response(code_for_recorded(*message), *message,
                                    {{"group", served.type.group}, {"kind", served.type.plural}});
    r.note = "as recorded in the bundle";
    return r;
  }
  ApiResponse response = target.name.empty() ? serve_list(request, target) : serve_object(request, target);
  if (coverage.state == CoverageState::absent && coverage.paths.empty()) {
    response.warnings.push_back(
      fmt::format("{} were not collected in this bundle: an empty answer does not mean there are none",
                  describe_type(served.type)));
  }
  if (coverage.synthesized) {
    response.warnings.push_back(fmt::format(
      "{} are synthesized from workload templates: the input held manifests, not a live cluster",
      describe_type(served.type)));
  }
  if (target.name.empty() && target.ns.empty()) {
    for (const auto& [ns, message] : coverage.refused) {
      response.warnings.push_back(
        ns.empty() ? fmt::format("{} were only partly collected: {}", describe_type(served.type), message)
                   : fmt::format("{} in namespace {} were not collected: {}", describe_type(served.type), ns,
                                 message));
    }
  }
  return response;
}

ApiResponse ApiServer::serve_list(const ApiRequest& request, const Target& target) const
{
  const Served& served = *target.served;
  ListQuery query;
  if (auto labels = LabelSelector::parse(request.param("labelSelector")); labels) {
    query.labels = std::move(*labels);
  } else {
    return status_response(400, labels.error().message);
  }
  std::string field_text = request.param("fieldSelector");
  if (!target.ns.empty()) {
    field_text = field_text.empty() ? "metadata.namespace=" + target.ns
                                    : field_text + ",metadata.namespace=" + target.ns;
  }
  if (auto fields = FieldSelector::parse(field_text); fields) {
    query.fields = std::move(*fields);
  } else {
    return status_response(400, fields.error().message);
  }
  auto limit = int_param(request, "limit");
  if (!limit) {
    return status_response(400, limit.error().message);
  }
  query.limit = limit->value_or(0) > 0 ? static_cast<std::size_t>(**limit) : 0;
  query.continue_from = request.param("continue");
  const bool watch = truthy(request.param("watch"));
  if (watch) {
    query.limit = 0;
    query.continue_from.clear();
  }
  auto page = select_page(served.entries, query, m_resource_version);
  if (!page) {
    const bool expired = page.error().message.starts_with(k_expired_token);
    return status_response(expired ? 410 : 400, page.error().message);
  }
  if (watch) {
    return serve_watch(request, target, *page);
  }

  std::vector<Json> items;
  items.reserve(page->items.size());
  for (const Json* obj : page->items) {
    items.push_back(served_object(served, *obj));
  }
  Json meta = {{"resourceVersion", m_resource_version}};
  if (!page->continue_token.empty()) {
    meta["continue"] = page->continue_token;
    meta["remainingItemCount"] = page->remaining_items;
  }
  if (accepts_as(request.accept, "Table", "meta.k8s.io")) {
    std::vector<const Json*> pointers;
    for (const Json& item : items) {
      pointers.push_back(&item);
    }
    Json table = render_table(served.type, pointers,
                              TableOptions{m_now, request.param("includeObject").empty()
                                                    ? "Metadata"
                                                    : request.param("includeObject"),
                                           served.printer_columns});
    table["metadata"] = meta;
    ApiResponse r = json_response(table);
    r.note = fmt::format("table, AGE as of {}", format_rfc3339(m_now));
    return r;
  }
  if (accepts_as(request.accept, "PartialObjectMetadataList", "meta.k8s.io")) {
    Json list = {{"kind", "PartialObjectMetadataList"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", meta},
                 {"items", Json::array()}};
    for (const Json& item : items) {
      list["items"].push_back({{"kind", "PartialObjectMetadata"},
                               {"apiVersion", "meta.k8s.io/v1"},
                               {"metadata", json_at(item, "metadata")}});
    }
    return json_response(list);
  }
  Json list = {{"kind", served.type.kind + "List"},
               {"apiVersion", served.type.api_version()},
               {"metadata", meta},
               {"items", std::move(items)}};
  return json_response(list);
}

ApiResponse ApiServer::serve_watch(const ApiRequest& request, const Target& target, const Page& page) const
{
  const Served& served = *target.served;
  ApiResponse r;
  r.stream = true;
  const std::string rv = request.param("resourceVersion");
  const bool initial_events = truthy(request.param("sendInitialEvents"));
  // A client that already holds this resource version is current: nothing will ever change.
  const bool send_state = initial_events || rv.empty() || rv == "0";
  const bool table = accepts_as(request.accept, "Table", "meta.k8s.io");
  bool first = true;
  for (const Json* obj : send_state ? page.items : std::vector<const Json*>{}) {
    Json object = served_object(served, *obj);
    if (table) {
      Json t = render_table(served.type, {&object}, TableOptions{m_now, "Metadata", served.printer_columns});
      if (!first) {
        t["columnDefinitions"] = Json::array();
      }
      t["metadata"] = {{"resourceVersion", m_resource_version}};
      object = std::move(t);
    }
    first = false;
    r.body += Json{{"type", "ADDED"}, {"object", std::move(object)}}.dump();
    r.body += '\n';
  }
  if (initial_events) {
    Json bookmark = {{"kind", served.type.kind},
                     {"apiVersion", served.type.api_version()},
                     {"metadata",
                      {{"resourceVersion", m_resource_version},
                       {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}};
    r.body += Json{{"type", "BOOKMARK"}, {"object", std::move(bookmark)}}.dump();
    r.body += '\n';
  }
  r.note = fmt::format("watch: {} events, then closed (a bundle never changes)",
                       send_state ? page.items.size() : 0);
  return r;
}

ApiResponse ApiServer::serve_object(const ApiRequest& request, const Target& target) const
{
  const Served& served = *target.served;
  const Json* object = find_object(served, target.ns, target.name);
  if (object == nullptr) {
    const std::string what = served.type.group.empty() ? served.type.plural : served.type.qualified_name();
    return status_response(404, fmt::format("{} \"{}\" not found", what, target.name),
                           {{"name", target.name}, {"group", served.type.group}, {"kind", served.type.plural}});
  }
  if (truthy(request.param("watch"))) {
    Target list_target = target;
    list_target.name.clear();
    ApiRequest watch_request = request;
    watch_request.params.emplace("fieldSelector", "metadata.name=" + target.name);
    return serve_list(watch_request, list_target);
  }
  if (target.subresource == "log" && served.type.qualified_name() == "pods") {
    return serve_log(request, target, *object);
  }
  if (!target.subresource.empty() && target.subresource != "status") {
    return status_response(404, "the server could not find the requested resource");
  }
  Json out = served_object(served, *object);
  if (accepts_as(request.accept, "Table", "meta.k8s.io")) {
    Json table = render_table(served.type, {&out},
                              TableOptions{m_now, request.param("includeObject").empty()
                                                    ? "Metadata"
                                                    : request.param("includeObject"),
                                           served.printer_columns});
    table["metadata"] = {{"resourceVersion", m_resource_version}};
    ApiResponse r = json_response(table);
    r.note = fmt::format("table, AGE as of {}", format_rfc3339(m_now));
    return r;
  }
  if (accepts_as(request.accept, "PartialObjectMetadata", "meta.k8s.io")) {
    return json_response({{"kind", "PartialObjectMetadata"},
                          {"apiVersion", "meta.k8s.io/v1"},
                          {"metadata", json_at(out, "metadata")}});
  }
  return json_response(out);
}

ApiResponse ApiServer::serve_log(const ApiRequest& request, const Target& target, const Json& pod) const
{
  const Json& spec = json_at(pod, "spec");
  std::vector<std::string> containers;
  std::vector<std::string> init_containers;
  for (const Json& c : json_array(spec, "containers")) {
    containers.push_back(json_string(c, "name"));
  }
  for (const char* key : {"initContainers", "ephemeralContainers"}) {
    for (const Json& c : json_array(spec, key)) {
      init_containers.push_back(json_string(c, "name"));
    }
  }
  std::string container = request.param("container");
  if (container.empty()) {
    if (containers.size() != 1) {
      std::string message = fmt::format("a container name must be specified for pod {}, choose one of: [{}]",
                                        target.name, fmt::join(containers, " "));
      if (!init_containers.empty()) {
        message += fmt::format(" or one of the init containers: [{}]", fmt::join(init_containers, " "));
      }
      return status_response(400, message);
    }
    container = containers.front();
  } else if (std::find(containers.begin(), containers.end(), container) == containers.end() &&
             std::find(init_containers.begin(), init_containers.end(), container) == init_containers.end()) {
    return status_response(400, fmt::format("container {} is not valid for pod {}", container, target.name));
  }
  const bool previous = truthy(request.param("previous"));
  const std::string dir = fmt::format("{}/{}/{}/", paths::k_pod_logs, target.ns, target.name);
  const std::string* text = m_snapshot.bundle().get(dir + container + (previous ? "-previous.log" : ".log"));
  if (text == nullptr) {
    std::int64_t restarts = -1;
    for (const char* key : {"containerStatuses", "initContainerStatuses"}) {
      for (const Json& s : json_array(json_at(pod, "status"), key)) {
        if (json_string(s, "name") == container) {
          restarts = json_int(s, "restartCount");
        }
      }
    }
    if (previous && restarts == 0) {
      return status_response(400, fmt::format("previous terminated container \"{}\" in pod \"{}\" not found",
                                              container, target.name));
    }
    std::string message = fmt::format("the {}log of container {} of pod {}/{} is not in the bundle",
                                      previous ? "previous " : "", container, target.ns, target.name);
    if (const std::string* errors = m_snapshot.bundle().get(dir + container + "-logs-errors.log")) {
      std::string first_line = errors->substr(0, errors->find('\n'));
      message += ": collection failed: " + first_line;
    }
    return status_response(404, message);
  }
  LogQuery query;
  for (const auto& [key, slot] : {std::pair<const char*, std::optional<std::int64_t>*>{"tailLines", &query.tail_lines},
                                  {"limitBytes", &query.limit_bytes},
                                  {"sinceSeconds", &query.since_seconds}}) {
    auto value = int_param(request, key);
    if (!value) {
      return status_response(400, value.error().message);
    }
    *slot = *value;
  }
  if (const std::string since = request.param("sinceTime"); !since.empty()) {
    query.since_time = parse_rfc3339(since);
    if (!query.since_time) {
      return status_response(400, fmt::format("sinceTime: '{}' is not an RFC 3339 time", since));
    }
  }
  query.timestamps = truthy(request.param("timestamps"));
  ApiResponse r;
  r.content_type = "text/plain";
  r.body = cut_log(*text, query, m_now);
  if (truthy(request.param("follow"))) {
    r.note = "follow: the whole collected log, then closed";
  }
  return r;
}

ApiResponse ApiServer::serve_access_review(const ApiRequest& request, bool rules) const
{
  const std::string_view kind = rules ? "SelfSubjectRulesReview" : "SelfSubjectAccessReview";
  // kubectl 1.33 and later send reviews as protobuf, older ones as JSON; the answer is JSON, which
  // both accept.
  Json body;
  if (request.content_type.find("protobuf") != std::string::npos) {
    auto spec = review_spec_from_protobuf(request.body, rules);
    if (!spec) {
      return status_response(400, fmt::format("{}: the protobuf body is not readable", kind));
    }
    body = {{"spec", std::move(*spec)}};
  } else if (auto parsed = parse_json(request.body, kind); parsed && parsed->is_object()) {
    body = std::move(*parsed);
  } else {
    return status_response(400, fmt::format("{}: the request body is neither JSON nor protobuf", kind));
  }
  const Json* review = &body;
  Json out = {{"kind", kind},
              {"apiVersion", "authorization.k8s.io/v1"},
              {"metadata", {{"creationTimestamp", nullptr}}},
              {"spec", json_at(*review, "spec")}};
  if (rules) {
    out["status"] = {{"resourceRules", {{{"verbs", read_only_verbs()}, {"apiGroups", {"*"}}, {"resources", {"*"}}}}},
                     {"nonResourceRules", {{{"verbs", {"get"}}, {"nonResourceURLs", {"*"}}}}},
                     {"incomplete", false}};
  } else {
    const Json& spec = json_at(*review, "spec");
    const Json& resource = json_at(spec, "resourceAttributes");
    const Json& non_resource = json_at(spec, "nonResourceAttributes");
    const std::string verb = json_string(resource.is_object() ? resource : non_resource, "verb");
    const auto& verbs = read_only_verbs();
    bool allowed = std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
    std::string reason =
      allowed ? "" : "a support bundle served read-only by kubectl coder-cva allows only get, list and watch";
    if (allowed && resource.is_object()) {
      const std::string plural = json_string(resource, "resource");
      const std::string ns = json_string(resource, "namespace");
      const auto served = std::find_if(m_served.begin(), m_served.end(), [&](const Served& s) {
        return s.type.plural == plural && (json_string(resource, "group") == "*" || s.type.group == json_string(resource, "group"));
      });
      const std::string sub = json_string(resource, "subresource");
      if (served == m_served.end() || plural == "*") {
        allowed = plural == "*" || plural.empty();
      } else if (!sub.empty() && !(sub == "status" || (sub == "log" && plural == "pods" && verb == "get"))) {
        allowed = false;
        reason = fmt::format("{}/{} is not served from a support bundle", plural, sub);
      } else {
        const auto& refused = served->coverage->refused;
        auto it = refused.find(ns);
        if (it == refused.end() && served->entries.empty()) {
          it = refused.find("");
        }
        if (it != refused.end()) {
          allowed = false;
          reason = fmt::format("the bundle records this as refused: {}", it->second);
        }
      }
    }
    out["status"] = {{"allowed", allowed}};
    if (!reason.empty()) {
      out["status"]["reason"] = reason;
    }
  }
  ApiResponse r = json_response(out, 201);
  r.note = "access review: answered for a read-only viewer, nothing changed";
  return r;
}

ApiResponse ApiServer::serve_version() const
{
  if (const std::string* text = m_snapshot.bundle().get(paths::k_cluster_version)) {
    if (auto doc = parse_json(*text, paths::k_cluster_version); doc && doc->is_object()) {
      const Json& info = json_at(*doc, "info");
      if (info.is_object() && !json_string(info, "gitVersion").empty()) {
        return json_response(info);
      }
    }
  }
  const std::string& version = m_snapshot.server_version;
  if (version.empty()) {
    return status_response(404, "the bundle does not record the cluster's version");
  }
  std::string major;
  std::string minor;
  const std::string digits = version.substr(version.starts_with('v') ? 1 : 0);
  major = digits.substr(0, digits.find('.'));
  if (const auto dot = digits.find('.'); dot != std::string::npos) {
    minor = digits.substr(dot + 1, digits.find_first_not_of("0123456789", dot + 1) - dot - 1);
  }
  return json_response({{"major", major}, {"minor", minor}, {"gitVersion", version}, {"platform", ""}});
}

} // namespace cva::serve
