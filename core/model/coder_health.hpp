#pragma once

#include <core/util/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

class Snapshot;

// One warning of a health-report section. Newer servers write `{code, message}`, older ones
// `{Code, Message}` or plain strings (`"EDB02: ..."`); all three arrive here the same way.
struct HealthWarning
{
  std::string code; // empty when the server gave none
  std::string message;
};

// One section of Coder's health report (`GET /api/v2/debug/health`, the support bundle's
// deployment/health.json).
struct HealthSection
{
  std::string key;          // access_url, database, derp, websocket, workspace_proxy, ...
  std::string dismiss_name; // the name health_settings.json uses: AccessURL, Database, DERP, ...
  std::string title;        // human name: "Access URL", "Database", ...
  bool present = false;     // the report has this section
  std::string severity;     // ok, warning or error (derived from `healthy` on reports without it)
  bool dismissed = false;   // silenced by an administrator (section flag or health settings)
  std::vector<HealthWarning> warnings; // the section's own and its nested (DERP regions, daemons)
  std::string error;      // the `error` text, when set
  std::string error_code; // the code `error` starts with, when it has one
  std::string pointer;    // JSON pointer of the section in the report (`/database`)
  const Json* raw = nullptr;

  // Every code of the section: the error's, then the warnings', without repeats.
  std::vector<std::string> codes() const;
};

// A provisioner daemon the server has seen recently, from the provisioner_daemons section.
struct HealthProvisioner
{
  std::string name;
  std::string version;
  std::string api_version;
  std::string status; // idle, busy, offline
  std::string pointer;
};

// A parsed health report.
struct HealthReport
{
  std::string path; // bundle path of the report
  std::string time;
  std::string severity;
  std::string coder_version;
  std::vector<HealthSection> sections; // in k_health_sections order, present or not
  std::optional<double> db_latency_ms;
  std::optional<double> db_threshold_ms;
  std::vector<HealthProvisioner> provisioners;
  std::vector<std::string> proxy_versions; // "name version" of workspace proxies

  const HealthSection* section(std::string_view key) const;
};

// Parses `doc` (a health report) from `path`; `settings` (health_settings.json, may be null) adds
// dismissed sections. Tolerates every shape a Coder release wrote; unknown fields are ignored.
HealthReport parse_health_report(const Json& doc, std::string path, const Json& settings);

// The snapshot's health report (`coder/health`), or nullopt when none was collected.
std::optional<HealthReport> health_report(const Snapshot& snapshot);

// What a health code means and what to do about it (docs/admin/monitoring/health-check.md).
struct HealthCode
{
  std::string_view code;
  std::string_view meaning;
  std::string_view action;
};

// The entry for `code` (case-insensitive), or nullptr for a code this tool does not know.
const HealthCode* find_health_code(std::string_view code);

// Coder's documentation anchor for `code`.
std::string health_code_url(std::string_view code);

// "EDB02 (median database ping above the threshold): <action>" for a finding; unknown codes are
// named as such.
std::string describe_health_code(std::string_view code);

} // namespace cva
