#include "coder_proxy.hpp"

#include <core/bundle/paths.hpp>

#include <fmt/format.h>

namespace cva::serve {

namespace {

std::vector<std::string> segments(std::string_view path)
{
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    if (next > pos) {
      out.emplace_back(path.substr(pos, next - pos));
    }
    pos = next + 1;
  }
  return out;
}

ApiResponse text_response(int status, std::string body, std::string content_type)
{
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.note = "emulated Coder endpoint";
  return r;
}

ApiResponse unavailable(std::string_view what)
{
  ApiResponse r;
  r.status = 503;
  r.body = status_object(503, "ServiceUnavailable",
                         fmt::format("no endpoints available for {} (serve answers only Coder's own endpoints from the bundle)", what))
             .dump();
  r.note = "proxy target not emulated";
  return r;
}

struct Endpoint
{
  std::string_view path;
  std::string_view document;
  bool needs_token;
};

constexpr Endpoint k_endpoints[] = {
  {"/api/v2/buildinfo", "buildinfo", false},
  {"/api/v2/deployment/config", "config", true},
  {"/api/v2/debug/health", "health", true},
  {"/api/v2/debug/health/settings", "health_settings", true},
  {"/api/v2/entitlements", "entitlements", true},
  {"/api/v2/deployment/stats", "stats", true},
  {"/api/v2/users", "users", true},
};

bool selects_coderd(const Snapshot& snapshot, const Service& svc)
{
  if (svc.selector.empty()) {
    return false;
  }
  const LabelSelector selector = LabelSelector::from_map(svc.selector);
  for (const Pod* p : snapshot.coder.coderd) {
    if (p->meta.namespace_ == svc.meta.namespace_ && selector.matches(p->meta.labels)) {
      return true;
    }
  }
  return false;
}

ApiResponse serve_service(const Snapshot& snapshot, const ApiRequest& request, const std::string& ns,
                          const std::string& target, const std::string& rest)
{
  // `[scheme:]name[:port]`
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= target.size()) {
    const std::size_t next = std::min(target.find(':', pos), target.size());
    parts.push_back(target.substr(pos, next - pos));
    pos = next + 1;
  }
  std::string name = parts.size() == 3 ? parts[1] : parts[0];
  if (parts.size() == 2 && (parts[0] == "http" || parts[0] == "https")) {
    name = parts[1];
  }
  const Service* svc = nullptr;
  for (const Service& s : snapshot.services) {
    if (s.meta.namespace_ == ns && s.meta.name == name) {
      svc = &s;
    }
  }
  if (svc == nullptr) {
    ApiResponse r;
    r.status = 404;
    r.body = status_object(404, "NotFound", fmt::format("services \"{}\" not found", name)).dump();
    return r;
  }
  if (!selects_coderd(snapshot, *svc)) {
    return unavailable(fmt::format("service \"{}\"", name));
  }
  for (const Endpoint& e : k_endpoints) {
    if (rest != e.path) {
      continue;
    }
    if (e.needs_token && request.coder_session_token.empty()) {
      return text_response(401, R"({"message":"You must be logged in to access this resource."})" "\n", "application/json");
    }
    if (e.document == "users") {
      if (const CoderDocument* users = snapshot.coder_data.find("users")) {
        return text_response(200, users->json.dump() + "\n", "application/json");
      }
      const CoderDocument* ent = snapshot.coder_data.find("entitlements");
      const Json& actual = ent != nullptr ? json_path(ent->json, {"features", "user_limit", "actual"}) : Json();
      if (actual.is_number()) {
        return text_response(200, Json{{"users", Json::array()}, {"count", actual}}.dump() + "\n", "application/json");
      }
    } else if (const CoderDocument* doc = snapshot.coder_data.find(e.document)) {
      return text_response(200, doc->json.dump() + "\n", "application/json");
    }
    return text_response(404, R"({"message":"This bundle does not hold that Coder document."})" "\n", "application/json");
  }
  return text_response(404, R"({"message":"Route not found."})" "\n", "application/json");
}

ApiResponse serve_pod(const Snapshot& snapshot, const std::string& ns, const std::string& target)
{
  const auto colon = target.find(':');
  const std::string name = target.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : target.substr(colon + 1);
  const Pod* pod = nullptr;
  for (const Pod& p : snapshot.pods) {
    if (p.meta.namespace_ == ns && p.meta.name == name) {
      pod = &p;
    }
  }
  if (pod == nullptr) {
    ApiResponse r;
    r.status = 404;
    r.body = status_object(404, "NotFound", fmt::format("pods \"{}\" not found", name)).dump();
    return r;
  }
  if (port == "2112") {
    const std::string path = fmt::format("{}/{}.prom", paths::k_coder_metrics, name);
    if (const std::string* text = snapshot.bundle().get(path)) {
      return text_response(200, *text, "text/plain; version=0.0.4; charset=utf-8");
    }
  }
  return unavailable(fmt::format("pod \"{}\" port {}", name, port.empty() ? "80" : port));
}

} // namespace

std::optional<ApiResponse> serve_coder_proxy(const Snapshot& snapshot, const ApiRequest& request)
{
  const std::vector<std::string> seg = segments(request.path);
  // api v1 namespaces <ns> services|pods <target> proxy ...
  if (seg.size() < 7 || seg[0] != "api" || seg[1] != "v1" || seg[2] != "namespaces" || seg[6] != "proxy" ||
      (seg[4] != "services" && seg[4] != "pods")) {
    return std::nullopt;
  }
  std::string rest;
  for (std::size_t i = 7; i < seg.size(); ++i) {
    rest += "/" + seg[i];
  }
  if (rest.empty()) {
    rest = "/";
  }
  return seg[4] == "services" ? serve_service(snapshot, request, seg[3], seg[5], rest)
                              : serve_pod(snapshot, seg[3], seg[5]);
}

} // namespace cva::serve
