#include "common.hpp"
#include "formats.hpp"

#include <fmt/format.h>

#include <vector>

namespace cva {

namespace {

std::string objects_line(const std::vector<ObjectRef>& objects)
{
  std::string out;
  for (const ObjectRef& o : objects) {
    out += (out.empty() ? "" : ", ") + markdown_code(object_text(o));
  }
  return out;
}

void append_check(std::string& out, const CheckResult& c)
{
  out += fmt::format("#### {} `{}`: {}\n\n", outcome_label(c.outcome), c.info->id, c.info->title);
  for (const Finding& f : c.findings) {
    if (f.outcome == Outcome::pass && c.outcome != Outcome::pass) {
      continue;
    }
    out += fmt::format("- **{}** {}\n", outcome_label(f.outcome), markdown_escape(f.message));
    if (!f.objects.empty()) {
      out += fmt::format("  - Objects: {}\n", objects_line(f.objects));
    }
    for (const Evidence& e : f.evidence) {
      out += fmt::format("  - Evidence: {}\n", markdown_code(evidence_text(e)));
    }
  }
  if (c.outcome == Outcome::warn || c.outcome == Outcome::fail) {
    out += fmt::format("- **Fix:** {}\n", c.info->remediation);
  }
  out += fmt::format("- **Docs:** <{}>\n\n", c.info->doc_url);
}

} // namespace

std::string render_markdown(const Report& report)
{
  std::string out = "# Coder validated architecture report\n\n";
  std::string origins;
  for (const std::string& o : report.origins) {
    origins += (origins.empty() ? "" : ", ") + markdown_code(o);
  }
  out += fmt::format("- **Input:** {} ({})\n", origins, markdown_escape(report.input_format));
  if (!report.collected_at.empty()) {
    out += fmt::format("- **Collected:** {}\n", markdown_escape(report.collected_at));
  }
  if (!report.server_version.empty()) {
    out += fmt::format("- **Kubernetes:** {}\n", markdown_escape(report.server_version));
  }
  const auto s = report.summary();
  out += fmt::format("- **Result:** {}: {} fail, {} warn, {} unknown, {} info, {} pass ({} checks)\n",
                     outcome_label(report.worst()), s.at(Outcome::fail), s.at(Outcome::warn),
                     s.at(Outcome::unknown), s.at(Outcome::info), s.at(Outcome::pass), report.checks.size());
  out += fmt::format("- **Tool:** kubectl coder-cva {}\n\n", report.tool_version);

  out += "## Summary by area\n\n| Area | Result | Fail | Warn | Unknown | Info | Pass |\n"
         "|---|---|---:|---:|---:|---:|---:|\n";
  for (const AreaSummary& a : summarize_areas(report)) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", a.area, outcome_label(a.worst),
                       a.counts.at(Outcome::fail), a.counts.at(Outcome::warn), a.counts.at(Outcome::unknown),
                       a.counts.at(Outcome::info), a.counts.at(Outcome::pass));
  }

  std::string findings;
  std::string passed;
  for (const std::string_view area : k_areas) {
    std::string section;
    for (const CheckResult* c : checks_in_area(report, area)) {
      if (c->outcome == Outcome::pass) {
        const std::string detail = c->findings.empty() ? "" : ": " + markdown_escape(c->findings.front().message);
        passed += fmt::format("- `{}` ({}) {}{}\n", c->info->id, area, c->info->title, detail);
        continue;
      }
      append_check(section, *c);
    }
    if (!section.empty()) {
      findings += fmt::format("### {}\n\n{}", area, section);
    }
  }
  out += "\n## Findings\n\n" + (findings.empty() ? std::string("Every check passed.\n\n") : findings);
  if (!passed.empty()) {
    out += "## Passed\n\n" + passed + "\n";
  }

  std::string coverage;
  for (const auto& [input, state] : report.coverage) {
    if (state.first != "collected") {
      coverage += fmt::format("| {} | {} | {} |\n", markdown_code(input, true), markdown_escape(state.first),
                              markdown_escape(state.second));
    }
  }
  if (!coverage.empty()) {
    out += "## Inputs not fully seen\n\nChecks that needed these inputs report `unknown` rather than pass.\n\n"
           "| Input | State | Why |\n|---|---|---|\n" +
           coverage;
  }
  return out;
}

} // namespace cva
