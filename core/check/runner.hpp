#pragma once

#include <core/check/finding.hpp>
#include <core/check/registry.hpp>
#include <core/model/tiers.hpp>
#include <core/util/result.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cva {

class Snapshot;

// Settings analyzers may read: what the user told us that the cluster can't.
struct AnalysisOptions
{
  std::optional<int> users;  // expected or known user count
  std::optional<std::string> tier; // 1k, 2k, 3k or 10k
  Edition edition = Edition::current; // which reference numbers sizing checks apply
};

// Exempts findings about matching objects from one or more checks (from --config). Empty fields
// match anything; `namespace_` and `name` take `*` and `?` wildcards.
struct Exemption
{
  std::vector<std::string> checks; // ids; empty means every check
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string reason;
};

// The annotation that exempts an object (or the workload owning a pod) from checks: a
// comma-separated list of check ids, or `*` for all.
inline constexpr std::string_view k_ignore_annotation = "coder-cva.coder.com/ignore";

// Which checks run and how their outcomes are tuned.
struct RunOptions
{
  std::vector<std::string> only; // ids; empty means all
  std::vector<std::string> skip; // ids
  AnalysisOptions analysis;
  // Per-check override of the outcome of violations (warn/fail findings).
  std::map<std::string, Outcome, std::less<>> severity;
  // A finding whose subject (its first object) matches an exemption, or carries the ignore
  // annotation for the check, becomes `info` and says why; `pass` findings are left alone.
  std::vector<Exemption> exemptions;
};

// The result of one check: its registration, overall outcome and findings.
struct CheckResult
{
  const CheckInfo* info = nullptr;
  Outcome outcome = Outcome::pass;
  std::vector<Finding> findings;
};

// What a run produced, with what it ran on; the input to every renderer.
struct Report
{
  std::string tool_version;
  std::string input_format;
  std::vector<std::string> origins;
  std::string collected_at;
  std::string server_version;
  std::vector<CheckResult> checks;
  // Coverage of every input any selected check declared, by key: state and message.
  std::map<std::string, std::pair<std::string, std::string>> coverage;

  // How many checks ended with each outcome.
  std::map<Outcome, int> summary() const;
  // The highest outcome of any check (pass for an empty report).
  Outcome worst() const;
};

// Runs the selected checks over `snapshot`. A check whose declared input is not usable is
// `unknown` without running; a check that throws is `unknown` with the error as its finding, so
// one bad analyzer never takes the report down. Severity overrides, then exemptions, apply to
// the findings. Unknown ids in only/skip/severity/exemptions are an error.
Result<Report> run_checks(const Snapshot& snapshot, const RunOptions& options);

// The error run_checks gives for `options` naming a check id that does not exist, if any: lets a
// command refuse them before it does any work.
Result<void> validate_run_options(const RunOptions& options);

// True when `text` matches the glob `pattern` (`*` any run, `?` one character).
bool glob_match(std::string_view pattern, std::string_view text);

// The exit threshold of `--fail-on`.
enum class FailOn
{
  warn,
  fail,
  never,
};

// Parses `warn`, `fail` or `never`.
std::optional<FailOn> parse_fail_on(std::string_view text);

// 3 when some check's outcome is at or above `fail_on`, else 0. `unknown` never trips it.
int report_exit_code(const Report& report, FailOn fail_on);

} // namespace cva
