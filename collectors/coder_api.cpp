// Coder's own view, through the API server's service proxy (no extra network path needed):
// build info always; with a session token (--coder-token or CODER_SESSION_TOKEN) also the
// deployment config (secrets blanked by the server, redacted again here), health report and its
// settings, entitlements, deployment stats and the user count.
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <atomic>

namespace {

using namespace cva;

struct Endpoint
{
  const char* name;
  const char* path;
  bool needs_token;
};

constexpr Endpoint k_endpoints[] = {
  {"buildinfo", "/api/v2/buildinfo", false},
  {"config", "/api/v2/deployment/config", true},
  {"health", "/api/v2/debug/health", true},
  {"health_settings", "/api/v2/debug/health/settings", true},
  {"entitlements", "/api/v2/entitlements", true},
  {"stats", "/api/v2/deployment/stats", true},
  {"users", "/api/v2/users?limit=1", true},
};

// The Service in front of coderd and the `<scheme>:<name>:<port>` form the service proxy takes.
std::string coderd_service(const Snapshot& cluster, std::string& ns)
{
  for (const Pod* pod : cluster.coder.coderd) {
    for (const Service& svc : cluster.services) {
      if (svc.meta.namespace_ != pod->meta.namespace_ || svc.selector.empty() ||
          !LabelSelector::from_map(svc.selector).matches(pod->meta.labels) || svc.ports.empty()) {
        continue;
      }
      const ServicePort* chosen = &svc.ports[0];
      for (const ServicePort& p : svc.ports) {
        if (p.name == "http") {
          chosen = &p;
          break;
        }
      }
      const bool tls = chosen->name.find("https") != std::string::npos || chosen->port == 443;
      ns = svc.meta.namespace_;
      const std::string port = chosen->name.empty() ? std::to_string(chosen->port) : chosen->name;
      return fmt::format("{}:{}:{}", tls ? "https" : "http", svc.meta.name, port);
    }
  }
  return {};
}

std::string run(CollectContext& context)
{
  const Snapshot* cluster = context.cluster();
  std::string ns;
  const std::string service = cluster != nullptr ? coderd_service(*cluster, ns) : std::string();
  const std::string& token = context.options().coder_token;
  if (service.empty()) {
    for (const Endpoint& e : k_endpoints) {
      context.record_coverage(fmt::format("coder/{}", e.name), "absent", "no Service in front of coderd pods was found");
    }
    return "no coderd Service found";
  }
  std::atomic<int> fetched{0};
  std::vector<std::function<void()>> tasks;
  for (const Endpoint& e : k_endpoints) {
    const std::string key = fmt::format("coder/{}", e.name);
    if (e.needs_token && token.empty()) {
      context.record_coverage(key, "absent", "skipped: no Coder session token (--coder-token or CODER_SESSION_TOKEN)");
      continue;
    }
    tasks.emplace_back([&, e, key] {
      const std::string path = fmt::format("/api/v1/namespaces/{}/services/{}/proxy{}", ns, service, e.path);
      std::vector<std::pair<std::string, std::string>> headers;
      if (e.needs_token) {
        headers.emplace_back("Coder-Session-Token", token);
      }
      const HttpResponse r = context.get(path, headers);
      if (!r.ok()) {
        context.record_coverage(key, r.status == 401 || r.status == 403 ? "forbidden" : "failed", r.describe());
        return;
      }
      auto doc = parse_json(r.body, path);
      if (!doc) {
        context.record_coverage(key, "failed", doc.error().message);
        return;
      }
      if (std::string_view(e.name) == "users") {
        // Only the count: the list itself is personal data the checks do not need.
        *doc = Json{{"count", json_at(*doc, "count")}};
      }
      context.put_json(fmt::format("{}/{}.json", paths::k_coder_api, e.name), std::move(*doc));
      context.record_coverage(key, "collected", "");
      ++fetched;
    });
  }
  context.run_parallel(std::move(tasks));
  return fmt::format("{} Coder API endpoint(s) through service {}/{}{}", fetched.load(), ns, service,
                     token.empty() ? " (no session token: only build info)" : "");
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "coder-api",
  .description = "Coder's build info, and with a session token its deployment config, health report, entitlements, "
                 "stats and user count, through the API server's service proxy.",
  .phase = 2,
  .order = 1,
  .outputs = {"coder/api/<name>.json"},
  .run = &run,
});
