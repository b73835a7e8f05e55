#include "coder_health.hpp"

#include <core/model/snapshot.hpp>

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace cva {

namespace {

struct SectionName
{
  std::string_view key;
  std::string_view dismiss_name;
  std::string_view title;
};

constexpr SectionName k_sections[] = {
  {"access_url", "AccessURL", "Access URL"},
  {"database", "Database", "Database"},
  {"derp", "DERP", "DERP relays and STUN"},
  {"websocket", "Websocket", "Websocket"},
  {"workspace_proxy", "WorkspaceProxy", "Workspace proxies"},
  {"provisioner_daemons", "ProvisionerDaemons", "Provisioner daemons"},
  {"usage_publishing", "UsagePublishing", "Usage publishing"},
};

constexpr HealthCode k_codes[] = {
  {"EUNKNOWN", "an unexpected error in the health check itself",
   "read the server logs around the report's time; retry the check from the /health page"},
  {"EACS01", "the access URL is not set",
   "set CODER_ACCESS_URL to the external URL users reach Coder at"},
  {"EACS02", "the access URL's /healthz is not a valid URL", "fix CODER_ACCESS_URL (scheme and host)"},
  {"EACS03", "the server could not fetch its own access URL's /healthz (DNS, firewall, proxy or TLS)",
   "make the access URL resolve and reach coderd from inside the cluster too (DNS, egress, certificates)"},
  {"EACS04", "the access URL's /healthz did not answer 200 OK",
   "check the load balancer or ingress in front of coderd; /healthz must reach coderd and answer OK"},
  {"EDB01", "the database ping failed", "check PostgreSQL availability, credentials and the network path from coderd"},
  {"EDB02", "the median database ping is above the configured threshold",
   "move PostgreSQL closer to coderd (same region, ideally the same zone) or give it more resources"},
  {"EDERP01", "a DERP relay works only over `Upgrade: websocket`: a proxy blocks `Upgrade: derp`",
   "let the ingress or proxy pass the `Upgrade: derp` header, or accept websocket fallback"},
  {"EDERP02", "one or more DERP relays are unhealthy",
   "check the relays in the report; embedded relays need HTTP(S) reachability between replicas"},
  {"ESTUN01", "no STUN server is available", "allow UDP to the STUN servers, or set CODER_DERP_SERVER_STUN_ADDRESSES"},
  {"ESTUN02", "STUN returned different addresses (hard NAT): direct connections will not form",
   "expect relayed connections, or give workspaces an easier NAT"},
  {"EWS01", "a websocket could not be established over the access URL",
   "let the load balancer or ingress pass websocket upgrades and long-lived connections to coderd"},
  {"EWS02", "the websocket echo test failed", "check proxies between users and coderd for websocket support"},
  {"EWS03", "a websocket message error", "check proxies between users and coderd for websocket support"},
  {"EWP01", "updating workspace-proxy health failed", "check coderd logs and the proxies' reachability"},
  {"EWP02", "fetching workspace proxies from the database failed", "check database health"},
  {"EWP03", "a workspace proxy's version differs from the server's (retired code)",
   "upgrade the proxy to the server's version"},
  {"EWP04", "one or more workspace proxies are unhealthy", "check each proxy's access URL, token and version"},
  {"EPD01", "no provisioner daemon is available: no workspace can be built",
   "start external provisioners (or built-in ones with CODER_PROVISIONER_DAEMONS) that match your templates' tags"},
  {"EPD02", "a provisioner daemon runs a version behind the server's",
   "upgrade provisioners together with coderd (same image tag)"},
  {"EPD03", "a provisioner daemon uses a deprecated API version", "upgrade the provisioner to the server's version"},
  {"EIF01", "a network interface has a small MTU, so tunnelled packets fragment",
   "raise the MTU of the interface (1378 or more) on the machine that ran the check"},
};

const RE2 k_leading_code(R"(^\s*(E[A-Z]+[0-9]*)\b)");

std::string leading_code(std::string_view text)
{
  std::string code;
  RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), k_leading_code, &code);
  return code;
}

std::string field_ci(const Json& obj, std::string_view lower)
{
  if (!obj.is_object()) {
    return {};
  }
  for (const auto& [k, v] : obj.items()) {
    std::string lk = k;
    std::transform(lk.begin(), lk.end(), lk.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lk == lower && v.is_string()) {
      return v.get<std::string>();
    }
  }
  return {};
}

void add_warnings(const Json& arr, std::vector<HealthWarning>& out)
{
  if (!arr.is_array()) {
    return;
  }
  for (const Json& w : arr) {
    HealthWarning hw;
    if (w.is_string()) {
      hw.message = w.get<std::string>();
      hw.code = leading_code(hw.message);
    } else if (w.is_object()) {
      hw.code = field_ci(w, "code");
      hw.message = field_ci(w, "message");
      if (hw.code.empty()) {
        hw.code = leading_code(hw.message);
      }
    } else {
      continue;
    }
    const bool seen = std::any_of(out.begin(), out.end(), [&](const HealthWarning& o) {
      return o.code == hw.code && o.message == hw.message;
    });
    if (!seen) {
      out.push_back(std::move(hw));
    }
  }
}

std::optional<double> number_at(const Json& obj, std::string_view key)
{
  const Json& v = json_at(obj, key);
  if (v.is_number()) {
    return v.get<double>();
  }
  return std::nullopt;
}

} // namespace

std::vector<std::string> HealthSection::codes() const
{
  std::vector<std::string> out;
  const auto add = [&](const std::string& c) {
    if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(c);
    }
  };
  add(error_code);
  for (const HealthWarning& w : warnings) {
    add(w.code);
  }
  return out;
}

const HealthSection* HealthReport::section(std::string_view key) const
{
  for (const HealthSection& s : sections) {
    if (s.key == key) {
      return &s;
    }
  }
  return nullptr;
}

HealthReport parse_health_report(const Json& doc, std::string path, const Json& settings)
{
  HealthReport r;
  r.path = std::move(path);
  r.time = json_string(doc, "time");
  r.coder_version = json_string(doc, "coder_version");
  r.severity = json_string(doc, "severity");
  if (r.severity.empty() && json_at(doc, "healthy").is_boolean()) {
    r.severity = json_bool(doc, "healthy") ? "ok" : "error";
  }
  std::vector<std::string> dismissed;
  for (const Json& d : json_array(settings, "dismissed_healthchecks")) {
    if (d.is_string()) {
      dismissed.push_back(d.get<std::string>());
    }
  }
  for (const SectionName& name : k_sections) {
    HealthSection s;
    s.key = std::string(name.key);
    s.dismiss_name = std::string(name.dismiss_name);
    s.title = std::string(name.title);
    s.pointer = "/" + s.key;
    const Json& sec = json_at(doc, name.key);
    if (sec.is_object()) {
      s.present = true;
      s.raw = &sec;
      s.severity = json_string(sec, "severity");
      if (s.severity.empty() && json_at(sec, "healthy").is_boolean()) {
        s.severity = json_bool(sec, "healthy") ? "ok" : "error";
      }
      s.dismissed = json_bool(sec, "dismissed");
      add_warnings(json_at(sec, "warnings"), s.warnings);
      if (const Json& e = json_at(sec, "error"); e.is_string() && !e.get<std::string>().empty()) {
        s.error = e.get<std::string>();
        s.error_code = leading_code(s.error);
      }
      if (name.key == "derp") {
        const Json& regions = json_at(sec, "regions");
        if (regions.is_object()) {
          for (const auto& [id, region] : regions.items()) {
            add_warnings(json_at(region, "warnings"), s.warnings);
            for (const Json& node : json_array(region, "node_reports")) {
              add_warnings(json_at(node, "warnings"), s.warnings);
            }
          }
        }
      }
      if (name.key == "provisioner_daemons") {
        const Json& items = json_array(sec, "items");
        for (std::size_t i = 0; i < items.size(); ++i) {
          const Json& d = json_at(items[i], "provisioner_daemon");
          r.provisioners.push_back(HealthProvisioner{json_string(d, "name"), json_string(d, "version"),
                                                     json_string(d, "api_version"), json_string(d, "status"),
                                                     fmt::format("/provisioner_daemons/items/{}", i)});
          add_warnings(json_at(items[i], "warnings"), s.warnings);
        }
      }
      if (name.key == "database") {
        r.db_latency_ms = number_at(sec, "latency_ms");
        r.db_threshold_ms = number_at(sec, "threshold_ms");
      }
      if (name.key == "workspace_proxy") {
        for (const Json& region : json_array(json_at(sec, "workspace_proxies"), "regions")) {
          const std::string version = json_string(region, "version");
          if (!version.empty()) {
            r.proxy_versions.push_back(json_string(region, "name") + " " + version);
          }
        }
      }
    }
    if (std::find(dismissed.begin(), dismissed.end(), s.dismiss_name) != dismissed.end()) {
      s.dismissed = true;
    }
    r.sections.push_back(std::move(s));
  }
  return r;
}

std::optional<HealthReport> health_report(const Snapshot& snapshot)
{
  const CoderDocument* doc = snapshot.coder_data.find("health");
  if (doc == nullptr || !doc->json.is_object()) {
    return std::nullopt;
  }
  const CoderDocument* settings = snapshot.coder_data.find("health_settings");
  static const Json k_null;
  return parse_health_report(doc->json, doc->path, settings != nullptr ? settings->json : k_null);
}

const HealthCode* find_health_code(std::string_view code)
{
  for (const HealthCode& c : k_codes) {
    if (c.code.size() == code.size() &&
        std::equal(c.code.begin(), c.code.end(), code.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b)); })) {
      return &c;
    }
  }
  return nullptr;
}

std::string health_code_url(std::string_view code)
{
  std::string anchor(code);
  std::transform(anchor.begin(), anchor.end(), anchor.begin(), [](unsigned char c) { return std::tolower(c); });
  return "https://coder.com/docs/admin/monitoring/health-check#" + anchor;
}

std::string describe_health_code(std::string_view code)
{
  if (const HealthCode* c = find_health_code(code)) {
    return fmt::format("{} ({}): {}", c->code, c->meaning, c->action);
  }
  return fmt::format("{} (a code this tool does not know: see {})", code, health_code_url(code));
}

} // namespace cva
