#pragma once

#include <core/check/runner.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

// What every report format shares: grouping by area, labels, and the escaping of text that comes
// from untrusted archives (object names, messages, evidence values).
namespace cva {

// The outcome in capitals (`FAIL`), for headings and badges.
std::string_view outcome_label(Outcome outcome);

// The checks of `report` in `area`, worst outcome first; registry order within an outcome.
std::vector<const CheckResult*> checks_in_area(const Report& report, std::string_view area);

// How the checks of one area ended.
struct AreaSummary
{
  std::string_view area;
  std::map<Outcome, int> counts; // every outcome present, zero when none
  Outcome worst = Outcome::pass;
  int total = 0;
};

// One summary per area of k_areas that has at least one check in `report`, in k_areas order.
std::vector<AreaSummary> summarize_areas(const Report& report);

// `Kind namespace/name`, or `Kind name` for cluster-scoped objects.
std::string object_text(const ObjectRef& object);

// `path pointer = value`, leaving out the parts that are empty.
std::string evidence_text(const Evidence& evidence);

// `text` made safe for XML 1.0 and HTML consumers: invalid UTF-8 sequences, C0 control characters
// other than tab, newline and carriage return, DEL, and U+FFFE/U+FFFF become U+FFFD.
std::string clean_text(std::string_view text);

// `text` after clean_text with `&`, `<`, `>`, `"` and `'` escaped: safe in HTML and XML text and in
// quoted attribute values.
std::string markup_escape(std::string_view text);

// `text` after clean_text as Markdown inline text: characters Markdown would interpret (emphasis,
// links, images, raw HTML, table pipes, code) are backslash-escaped and line breaks become spaces,
// so a name from an archive can neither format nor link.
std::string markdown_escape(std::string_view text);

// `text` after clean_text as a Markdown code span, fenced with more backticks than it contains;
// line breaks become spaces. In a table cell (`in_table`) pipes are escaped too, since GFM ends a
// cell at a bare pipe even inside a code span.
std::string markdown_code(std::string_view text, bool in_table = false);

} // namespace cva
