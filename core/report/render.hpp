#pragma once

#include <core/check/runner.hpp>
#include <core/util/json.hpp>

#include <string>

namespace cva {

struct TextOptions
{
  bool color = false; // ANSI colours; only on a TTY and never with NO_COLOR
};

// Human-readable report: checks grouped by area, worst first within an area; findings with
// their objects, evidence, remediation and doc link for anything not passing; a summary line.
std::string render_text(const Report& report, const TextOptions& options);

// The documented JSON report (docs/report-format.md): `report_version`, `tool`, `input`,
// `summary`, `coverage` and the `checks` array.
Json report_to_json(const Report& report);
std::string render_json(const Report& report);
std::string render_yaml(const Report& report);

// The check catalogue: the same per-check fields as the report, without outcomes.
Json catalogue_to_json();
// The catalogue as a Markdown table (README.md's check table is this output).
std::string render_catalogue_markdown();

} // namespace cva
