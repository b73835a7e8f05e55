#include "common.hpp"
#include "formats.hpp"

#include <fmt/format.h>

namespace cva {

namespace {

bool is_failure(Outcome o, FailOn fail_on)
{
  switch (fail_on) {
    case FailOn::warn:
      return o == Outcome::warn || o == Outcome::fail;
    case FailOn::fail:
      return o == Outcome::fail;
    case FailOn::never:
      return false;
  }
  return false;
}

// The findings of `c` as plain lines (escaped for XML by the caller).
std::string findings_text(const CheckResult& c, bool only_outcome_level)
{
  std::string out;
  for (const Finding& f : c.findings) {
    if (only_outcome_level && f.outcome != c.outcome) {
      continue;
    }
    out += fmt::format("[{}] {}\n", to_string(f.outcome), f.message);
    for (const ObjectRef& o : f.objects) {
      out += fmt::format("  object: {}\n", object_text(o));
    }
    for (const Evidence& e : f.evidence) {
      out += fmt::format("  evidence: {}\n", evidence_text(e));
    }
  }
  return out;
}

struct Counts
{
  int tests = 0;
  int failures = 0;
  int skipped = 0;
};

} // namespace

std::string render_junit(const Report& report, FailOn fail_on)
{
  std::string suites;
  Counts all;
  for (const AreaSummary& area : summarize_areas(report)) {
    Counts counts;
    std::string cases;
    for (const CheckResult& c : report.checks) {
      if (c.info->area != area.area) {
        continue;
      }
      ++counts.tests;
      cases += fmt::format("    <testcase classname=\"coder-cva.{}\" name=\"{}\">\n", area.area, markup_escape(c.info->id));
      if (is_failure(c.outcome, fail_on)) {
        ++counts.failures;
        const Finding* first = nullptr;
        for (const Finding& f : c.findings) {
          if (f.outcome == c.outcome) {
            first = &f;
            break;
          }
        }
        cases += fmt::format("      <failure type=\"{}\" message=\"{}\">{}\nfix: {}\ndocs: {}\n</failure>\n",
                             to_string(c.outcome), markup_escape(first ? first->message : c.info->title),
                             markup_escape(findings_text(c, true)), markup_escape(c.info->remediation),
                             markup_escape(c.info->doc_url));
      } else if (c.outcome == Outcome::unknown) {
        ++counts.skipped;
        std::string reason;
        for (const Finding& f : c.findings) {
          if (f.outcome == Outcome::unknown) {
            reason += (reason.empty() ? "" : "; ") + f.message;
          }
        }
        cases += fmt::format("      <skipped message=\"{}\"/>\n", markup_escape(reason));
      }
      cases += fmt::format("      <system-out>{}: {}\n{}</system-out>\n", to_string(c.outcome),
                           markup_escape(c.info->title), markup_escape(findings_text(c, false)));
      cases += "    </testcase>\n";
    }
    suites += fmt::format("  <testsuite name=\"coder-cva.{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                          "skipped=\"{}\">\n{}  </testsuite>\n",
                          area.area, counts.tests, counts.failures, counts.skipped, cases);
    all.tests += counts.tests;
    all.failures += counts.failures;
    all.skipped += counts.skipped;
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"kubectl coder-cva {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                     "skipped=\"{}\">\n{}</testsuites>\n",
                     markup_escape(report.tool_version), all.tests, all.failures, all.skipped, suites);
}

} // namespace cva
