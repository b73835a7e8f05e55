#include "runner.hpp"

#include <core/model/snapshot.hpp>
#include <core/util/error.hpp>
#include <core/version.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>

namespace cva {

namespace {

std::string errors_file_for(const Snapshot& snapshot, std::string_view input)
{
  {
    for (const ResourceData& d : snapshot.store().all()) {
      if (d.type.plural == input || d.type.qualified_name() == input) {
        const std::string path = fmt::format("cluster-resources/{}-errors.json", d.type.bundle_name);
        if (snapshot.bundle().contains(path)) {
          return path;
        }
      }
    }
  }
  return {};
}

Finding coverage_finding(const Snapshot& snapshot, std::string_view input, const Coverage& cov)
{
  Finding f;
  f.outcome = Outcome::unknown;
  if (cov.state == CoverageState::partial) {
    std::vector<std::string> namespaces;
    for (const auto& [ns, err] : cov.refused) {
      namespaces.push_back(ns);
    }
    f.message = fmt::format("{} could not be collected in namespace(s) {}: {}", input,
                            fmt::join(namespaces, ", "), cov.message);
  } else {
    f.message = fmt::format("{} {}: {}", input, to_string(cov.state), cov.message);
  }
  if (const std::string path = errors_file_for(snapshot, input); !path.empty()) {
    f.evidence.push_back(Evidence{path, "", excerpt(cov.message)});
  }
  return f;
}

Outcome worst_of(const std::vector<Finding>& findings)
{
  Outcome worst = Outcome::pass;
  for (const Finding& f : findings) {
    worst = std::max(worst, f.outcome);
  }
  return worst;
}

CheckResult run_one(const Snapshot& snapshot, const CheckInfo& info, const RunOptions& options)
{
  CheckResult result;
  result.info = &info;
  std::vector<Finding> partial;
  for (const std::string_view input : info.inputs) {
    const Coverage& cov = snapshot.coverage(input);
    if (!cov.usable()) {
      result.findings.push_back(coverage_finding(snapshot, input, cov));
    } else if (cov.state == CoverageState::partial) {
      partial.push_back(coverage_finding(snapshot, input, cov));
    }
  }
  if (!result.findings.empty()) {
    result.outcome = Outcome::unknown;
    return result;
  }
  try {
    result.findings = info.run(snapshot, options.analysis);
  } catch (const std::exception& e) {
    result.findings = {Finding{Outcome::unknown, fmt::format("internal error in this check: {}", e.what()), {}, {}}};
  }
  if (const auto it = options.severity.find(info.id); it != options.severity.end()) {
    for (Finding& f : result.findings) {
      if (f.outcome == Outcome::warn || f.outcome == Outcome::fail) {
        f.outcome = it->second;
      }
    }
  }
  // Partial input: what was seen can fail the check, but never let it pass.
  for (Finding& f : partial) {
    result.findings.push_back(std::move(f));
  }
  result.outcome = worst_of(result.findings);
  return result;
}

} // namespace

std::map<Outcome, int> Report::summary() const
{
  std::map<Outcome, int> out;
  for (const Outcome o : {Outcome::pass, Outcome::info, Outcome::unknown, Outcome::warn, Outcome::fail}) {
    out[o] = 0;
  }
  for (const CheckResult& c : checks) {
    ++out[c.outcome];
  }
  return out;
}

Outcome Report::worst() const
{
  Outcome w = Outcome::pass;
  for (const CheckResult& c : checks) {
    w = std::max(w, c.outcome);
  }
  return w;
}

Result<Report> run_checks(const Snapshot& snapshot, const RunOptions& options)
{
  for (const auto* list : {&options.only, &options.skip}) {
    for (const std::string& id : *list) {
      if (find_check(id) == nullptr) {
        return fail(fmt::format("unknown check id '{}' (see `kubectl coder-cva checks`)", id));
      }
    }
  }
  for (const auto& [id, outcome] : options.severity) {
    if (find_check(id) == nullptr) {
      return fail(fmt::format("unknown check id '{}' (see `kubectl coder-cva checks`)", id));
    }
  }
  Report report;
  report.tool_version = std::string(k_version);
  report.input_format = std::string(to_string(snapshot.format));
  report.origins = snapshot.origins;
  report.collected_at = snapshot.collected_at;
  report.server_version = snapshot.server_version;
  for (const CheckInfo& info : checks()) {
    const auto listed = [&](const std::vector<std::string>& ids) {
      return std::find(ids.begin(), ids.end(), info.id) != ids.end();
    };
    if ((!options.only.empty() && !listed(options.only)) || listed(options.skip)) {
      continue;
    }
    report.checks.push_back(run_one(snapshot, info, options));
    for (const std::string_view input : info.inputs) {
      const Coverage& cov = snapshot.coverage(input);
      report.coverage[std::string(input)] = {std::string(to_string(cov.state)), cov.message};
    }
  }
  return report;
}

std::optional<FailOn> parse_fail_on(std::string_view text)
{
  if (text == "warn") {
    return FailOn::warn;
  }
  if (text == "fail") {
    return FailOn::fail;
  }
  if (text == "never") {
    return FailOn::never;
  }
  return std::nullopt;
}

int report_exit_code(const Report& report, FailOn fail_on)
{
  if (fail_on == FailOn::never) {
    return k_exit_ok;
  }
  const Outcome threshold = fail_on == FailOn::warn ? Outcome::warn : Outcome::fail;
  for (const CheckResult& c : report.checks) {
    if (c.outcome >= threshold) {
      return k_exit_findings;
    }
  }
  return k_exit_ok;
}

} // namespace cva
