#pragma once

#include <core/check/runner.hpp>
#include <core/util/json.hpp>

#include <span>
#include <string>
#include <string_view>

namespace cva {

class Snapshot;

// Every report format `analyze -o` (and `collect`) accepts, in the order help lists them.
inline constexpr std::string_view k_report_formats[] = {"text",     "json", "yaml",  "markdown",
                                                        "html",     "sarif", "junit"};

// What a format may need besides the report.
struct RenderOptions
{
  bool color = false;          // text: ANSI colours
  FailOn fail_on = FailOn::fail; // junit: which outcomes are failures
};

// True when `format` is one of k_report_formats.
bool is_report_format(std::string_view format);

// Renders `report` in `format` (one of k_report_formats; anything else is a programming error and
// throws std::invalid_argument). `snapshot` is what the report was computed from: the HTML
// report draws its node map from it.
std::string render_report(std::string_view format, const Report& report, const Snapshot& snapshot,
                          const RenderOptions& options);

// Markdown for tickets and pull requests: summary by area, then every check that did not pass with
// its findings, evidence, remediation and documentation link, the passing checks in one list, and
// the inputs that were not fully seen. Text from the archive is escaped so it cannot format or link.
std::string render_markdown(const Report& report);

// One self-contained HTML page (inline CSS, no script, no external resource, a Content Security
// Policy forbidding any load): summary by area, a map of the nodes by node group and zone with the
// Coder roles on each and whether each group autoscales, the network-path and sizing checks as
// tables with their verdicts, every finding with evidence and remediation, and the coverage of
// every input. Readable without JavaScript and printable.
std::string render_html(const Report& report, const Snapshot& snapshot);

// SARIF 2.1.0: one rule per check of the report; one result per finding that is not `pass`
// (`fail`/`warn` as kind `fail` with level error/warning, `unknown` as kind `open`, `info` as kind
// `informational`), located at the bundle paths of its evidence (relative to the `BUNDLE` base)
// and at its Kubernetes objects as logical locations.
Json report_to_sarif(const Report& report);
std::string render_sarif(const Report& report);

// JUnit XML: one test suite per area, one test case per check. A check whose outcome is at or
// above `fail_on` is a failure; `unknown` is skipped with its reason; everything else passes, its
// findings in system-out.
std::string render_junit(const Report& report, FailOn fail_on);

// Our results in troubleshoot.sh's `analysis.json` shape (an array of {name, labels, insight,
// severity, analyzerSpec, variables, error?, involvedObject?}), one entry per check: fail ->
// severity `error`, warn -> `warn`, unknown and info -> `info`, pass -> `debug`, as troubleshoot
// maps its own outcomes. `labels.outcome` keeps our outcome.
Json report_to_analysis(const Report& report);
// report_to_analysis indented with four spaces, as troubleshoot writes `analysis.json`.
std::string render_analysis_json(const Report& report);

} // namespace cva
