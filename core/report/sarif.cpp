#include "common.hpp"
#include "formats.hpp"

#include <core/version.hpp>

#include <fmt/format.h>

#include <cctype>
#include <map>

namespace cva {

namespace {

constexpr std::string_view k_sarif_schema = "https://json.schemastore.org/sarif-2.1.0.json";

std::string_view sarif_level(Outcome o)
{
  switch (o) {
    case Outcome::fail:
      return "error";
    case Outcome::warn:
      return "warning";
    default:
      return "note";
  }
}

// SARIF 3.27.9: kind other than `fail` requires level `none`.
std::string_view sarif_kind(Outcome o)
{
  switch (o) {
    case Outcome::fail:
    case Outcome::warn:
      return "fail";
    case Outcome::unknown:
      return "open";
    case Outcome::info:
      return "informational";
    case Outcome::pass:
      return "pass";
  }
  return "open";
}

// A bundle path as a relative URI reference (RFC 3986): everything but unreserved characters and
// the path separator percent-encoded, so names from an archive cannot form a scheme or a query.
std::string path_to_uri(std::string_view path)
{
  constexpr std::string_view k_unreserved = "-._~/";
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        k_unreserved.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  while (out.starts_with("/")) {
    out.erase(0, 1);
  }
  return out;
}

// `coderd-replicas` -> `CoderdReplicas`: SARIF wants an identifier-like rule name.
std::string rule_name(std::string_view id)
{
  std::string out;
  bool upper = true;
  for (const char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

Json rule_for(const CheckInfo& info)
{
  Json inputs = Json::array();
  for (const std::string_view i : info.inputs) {
    inputs.push_back(i);
  }
  return {{"id", info.id},
          {"name", rule_name(info.id)},
          {"shortDescription", {{"text", info.title}}},
          {"fullDescription", {{"text", info.description}}},
          {"help", {{"text", info.remediation}, {"markdown", info.remediation}}},
          {"helpUri", info.doc_url},
          {"defaultConfiguration", {{"level", sarif_level(info.severity)}}},
          {"properties", {{"area", info.area}, {"tags", Json::array({info.area})}, {"inputs", inputs}}}};
}

Json result_for(const CheckResult& c, std::size_t rule_index, const Finding& f)
{
  const bool failing = f.outcome == Outcome::fail || f.outcome == Outcome::warn;
  Json result{{"ruleId", c.info->id},
              {"ruleIndex", rule_index},
              {"kind", sarif_kind(f.outcome)},
              {"level", failing ? sarif_level(f.outcome) : "none"},
              {"message", {{"text", clean_text(f.message)}}}};
  Json logical = Json::array();
  std::string key(c.info->id);
  for (const ObjectRef& o : f.objects) {
    const std::string qualified = o.namespace_.empty() ? fmt::format("{}/{}", o.kind, o.name)
                                                       : fmt::format("{}/{}/{}", o.namespace_, o.kind, o.name);
    logical.push_back({{"name", clean_text(o.name)}, {"fullyQualifiedName", clean_text(qualified)},
                       {"kind", "object"}});
    key += "|" + qualified;
  }
  Json locations = Json::array();
  for (const Evidence& e : f.evidence) {
    if (e.path.empty()) {
      continue;
    }
    Json location{{"physicalLocation",
                   {{"artifactLocation", {{"uri", path_to_uri(e.path)}, {"uriBaseId", "BUNDLE"}}}}},
                  {"message", {{"text", clean_text(evidence_text(e))}}}};
    if (!logical.empty()) {
      location["logicalLocations"] = logical;
    }
    locations.push_back(std::move(location));
  }
  if (locations.empty() && !logical.empty()) {
    locations.push_back({{"logicalLocations", logical}});
  }
  if (!locations.empty()) {
    result["locations"] = std::move(locations);
  }
  result["partialFingerprints"] = {{"cvaFindingKey/v1", clean_text(key)}};
  Json evidence = Json::array();
  for (const Evidence& e : f.evidence) {
    evidence.push_back(
      {{"path", clean_text(e.path)}, {"pointer", clean_text(e.pointer)}, {"value", clean_text(e.value)}});
  }
  result["properties"] = {{"outcome", to_string(f.outcome)}, {"area", c.info->area}, {"evidence", evidence}};
  return result;
}

} // namespace

Json report_to_sarif(const Report& report)
{
  Json rules = Json::array();
  Json results = Json::array();
  std::map<std::string_view, std::size_t> rule_index;
  for (const CheckResult& c : report.checks) {
    rule_index.emplace(c.info->id, rules.size());
    rules.push_back(rule_for(*c.info));
  }
  for (const CheckResult& c : report.checks) {
    for (const Finding& f : c.findings) {
      if (f.outcome != Outcome::pass) {
        results.push_back(result_for(c, rule_index.at(c.info->id), f));
      }
    }
  }
  std::string origins;
  for (const std::string& o : report.origins) {
    origins += (origins.empty() ? "" : ", ") + o;
  }
  Json summary = Json::object();
  for (const auto& [o, n] : report.summary()) {
    summary[std::string(to_string(o))] = n;
  }
  Json run{
    {"tool",
     {{"driver",
       {{"name", "kubectl-coder_cva"},
        {"fullName", "kubectl coder-cva"},
        {"version", report.tool_version},
        {"semanticVersion", report.tool_version},
        {"informationUri", k_homepage},
        {"rules", rules}}}}},
    {"originalUriBaseIds",
     {{"BUNDLE", {{"description", {{"text", clean_text("The root of the analyzed input: " + origins)}}}}}}},
    {"invocations", Json::array({{{"executionSuccessful", true}}})},
    {"results", results},
    {"properties",
     {{"outcome", to_string(report.worst())},
      {"summary", summary},
      {"input", {{"format", report.input_format}, {"collected_at", report.collected_at},
                 {"server_version", clean_text(report.server_version)}}}}}};
  return {{"$schema", k_sarif_schema}, {"version", "2.1.0"}, {"runs", Json::array({run})}};
}

std::string render_sarif(const Report& report)
{
  return to_pretty_json(report_to_sarif(report));
}

} // namespace cva
