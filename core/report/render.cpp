#include "render.hpp"

#include "common.hpp"

#include <core/util/yaml.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace cva {

namespace {

constexpr int k_report_version = 1;

std::string_view outcome_color(Outcome o)
{
  switch (o) {
    case Outcome::pass:
      return "\033[32m";
    case Outcome::info:
      return "\033[36m";
    case Outcome::unknown:
      return "\033[35m";
    case Outcome::warn:
      return "\033[33m";
    case Outcome::fail:
      return "\033[1;31m";
  }
  return "";
}

Json finding_to_json(const Finding& f)
{
  Json objects = Json::array();
  for (const ObjectRef& o : f.objects) {
    objects.push_back({{"kind", o.kind}, {"namespace", o.namespace_}, {"name", o.name}});
  }
  Json evidence = Json::array();
  for (const Evidence& e : f.evidence) {
    evidence.push_back({{"path", e.path}, {"pointer", e.pointer}, {"value", e.value}});
  }
  return {{"outcome", to_string(f.outcome)}, {"message", f.message}, {"objects", objects}, {"evidence", evidence}};
}

Json info_to_json(const CheckInfo& info)
{
  Json inputs = Json::array();
  for (const auto& i : info.inputs) {
    inputs.push_back(i);
  }
  return {{"id", info.id},
          {"area", info.area},
          {"title", info.title},
          {"description", info.description},
          {"severity", to_string(info.severity)},
          {"inputs", inputs},
          {"remediation", info.remediation},
          {"doc_url", info.doc_url}};
}

} // namespace

std::string render_text(const Report& report, const TextOptions& options)
{
  const auto paint = [&](Outcome o, std::string_view text) {
    return options.color ? fmt::format("{}{}\033[0m", outcome_color(o), text) : std::string(text);
  };
  const auto bold = [&](std::string_view text) {
    return options.color ? fmt::format("\033[1m{}\033[0m", text) : std::string(text);
  };
  std::string out;
  out += fmt::format("kubectl coder-cva {}: {} ({}", report.tool_version, fmt::join(report.origins, " "),
                     report.input_format);
  if (!report.collected_at.empty()) {
    out += fmt::format(", collected {}", report.collected_at);
  }
  if (!report.server_version.empty()) {
    out += fmt::format(", Kubernetes {}", report.server_version);
  }
  out += ")\n";
  for (const std::string_view area : k_areas) {
    const std::vector<const CheckResult*> in_area = checks_in_area(report, area);
    if (in_area.empty()) {
      continue;
    }
    std::string heading(area);
    std::transform(heading.begin(), heading.end(), heading.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    out += "\n" + bold(heading) + "\n";
    for (const CheckResult* c : in_area) {
      const std::string label = fmt::format("{:<7}", outcome_label(c->outcome));
      out += fmt::format("  {} {}  {}\n", paint(c->outcome, label), c->info->id, c->info->title);
      const bool detailed = c->outcome != Outcome::pass;
      for (const Finding& f : c->findings) {
        if (!detailed) {
          out += fmt::format("          {}\n", f.message);
          break;
        }
        if (f.outcome == Outcome::pass) {
          continue;
        }
        out += fmt::format("          {} {}\n", paint(f.outcome, fmt::format("[{}]", to_string(f.outcome))), f.message);
        for (const Evidence& e : f.evidence) {
          out += fmt::format("            evidence: {}\n", evidence_text(e));
        }
      }
      if (detailed && c->outcome != Outcome::unknown && c->outcome != Outcome::info) {
        out += fmt::format("          fix: {}\n", c->info->remediation);
      }
      if (detailed) {
        out += fmt::format("          docs: {}\n", c->info->doc_url);
      }
    }
  }
  const auto s = report.summary();
  out += fmt::format("\nSummary: {} fail, {} warn, {} unknown, {} info, {} pass ({} checks)\n",
                     s.at(Outcome::fail), s.at(Outcome::warn), s.at(Outcome::unknown), s.at(Outcome::info),
                     s.at(Outcome::pass), report.checks.size());
  return out;
}

Json report_to_json(const Report& report)
{
  Json checks = Json::array();
  for (const CheckResult& c : report.checks) {
    Json j = info_to_json(*c.info);
    j["outcome"] = to_string(c.outcome);
    Json findings = Json::array();
    for (const Finding& f : c.findings) {
      findings.push_back(finding_to_json(f));
    }
    j["findings"] = std::move(findings);
    checks.push_back(std::move(j));
  }
  Json summary = Json::object();
  for (const auto& [o, n] : report.summary()) {
    summary[std::string(to_string(o))] = n;
  }
  Json coverage = Json::object();
  for (const auto& [key, value] : report.coverage) {
    coverage[key] = {{"state", value.first}, {"message", value.second}};
  }
  return {{"report_version", k_report_version},
          {"tool", {{"name", "kubectl-coder_cva"}, {"version", report.tool_version}}},
          {"input",
           {{"format", report.input_format},
            {"origins", report.origins},
            {"collected_at", report.collected_at},
            {"server_version", report.server_version}}},
          {"outcome", to_string(report.worst())},
          {"summary", summary},
          {"coverage", coverage},
          {"checks", checks}};
}

std::string render_json(const Report& report)
{
  return to_pretty_json(report_to_json(report));
}

std::string render_yaml(const Report& report)
{
  return to_yaml(report_to_json(report));
}

Json catalogue_to_json()
{
  Json checks_json = Json::array();
  for (const CheckInfo& info : checks()) {
    checks_json.push_back(info_to_json(info));
  }
  return {{"report_version", k_report_version}, {"checks", checks_json}};
}

std::string render_catalogue_markdown()
{
  std::string out = "| Id | Area | Severity | Title | Needs |\n|---|---|---|---|---|\n";
  for (const CheckInfo& info : checks()) {
    std::vector<std::string> inputs(info.inputs.begin(), info.inputs.end());
    out += fmt::format("| [`{}`]({}) | {} | {} | {} | {} |\n", info.id, info.doc_url, info.area,
                       to_string(info.severity), info.title, fmt::join(inputs, ", "));
  }
  return out;
}

} // namespace cva
