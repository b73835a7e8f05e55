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

const KubeObject* find_object(const Snapshot& snapshot, const ObjectRef& r)
{
  const auto in = [&](const auto& objects) -> const KubeObject* {
    for (const auto& o : objects) {
      if (o.kind == r.kind && o.meta.namespace_ == r.namespace_ && o.meta.name == r.name) {
        return &o;
      }
    }
    return nullptr;
  };
  for (const KubeObject* o :
       {in(snapshot.pods), in(snapshot.workloads), in(snapshot.nodes), in(snapshot.pvcs), in(snapshot.pvs),
        in(snapshot.storage_classes), in(snapshot.services), in(snapshot.pdbs), in(snapshot.hpas),
        in(snapshot.namespaces), in(snapshot.config_maps), in(snapshot.csi_drivers), in(snapshot.network_policies)}) {
    if (o != nullptr) {
      return o;
    }
  }
  return nullptr;
}

bool annotation_ignores(const KubeObject& object, std::string_view id)
{
  const auto it = object.meta.annotations.find(k_ignore_annotation);
  if (it == object.meta.annotations.end()) {
    return false;
  }
  std::string_view rest = it->second;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (item == id || item == "*" || item == "all") {
      return true;
    }
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return false;
}

// Why the finding's subject is exempt from check `id`, or empty when it is not.
std::string exemption_reason(const Snapshot& snapshot, const Finding& f, std::string_view id,
                             const std::vector<Exemption>& exemptions)
{
  if (f.objects.empty()) {
    return {};
  }
  const ObjectRef& subject = f.objects.front();
  for (const Exemption& e : exemptions) {
    const bool check = e.checks.empty() || std::find(e.checks.begin(), e.checks.end(), id) != e.checks.end();
    if (check && (e.kind.empty() || e.kind == subject.kind) &&
        (e.namespace_.empty() || glob_match(e.namespace_, subject.namespace_)) &&
        (e.name.empty() || glob_match(e.name, subject.name))) {
      return e.reason.empty() ? std::string("exempted by --config") : fmt::format("exempted by --config: {}", e.reason);
    }
  }
  const KubeObject* object = find_object(snapshot, subject);
  if (object == nullptr) {
    return {};
  }
  if (annotation_ignores(*object, id)) {
    return fmt::format("exempted by annotation {} on {} {}", k_ignore_annotation, subject.kind, subject.name);
  }
  if (object->kind == "Pod") {
    const Pod& pod = static_cast<const Pod&>(*object);
    if (const Workload* w = snapshot.find_workload(pod.workload_kind, pod.meta.namespace_, pod.workload_name);
        w != nullptr && annotation_ignores(*w, id)) {
      return fmt::format("exempted by annotation {} on {} {}", k_ignore_annotation, w->kind, w->meta.name);
    }
  }
  return {};
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
  for (Finding& f : result.findings) {
    if (f.outcome == Outcome::pass) {
      continue;
    }
    if (const std::string why = exemption_reason(snapshot, f, info.id, options.exemptions); !why.empty()) {
      f.message = fmt::format("{} (was {}): {}", why, to_string(f.outcome), f.message);
      f.outcome = Outcome::info;
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

Result<void> validate_run_options(const RunOptions& options)
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
  for (const Exemption& e : options.exemptions) {
    for (const std::string& id : e.checks) {
      if (find_check(id) == nullptr) {
        return fail(fmt::format("unknown check id '{}' in an exemption (see `kubectl coder-cva checks`)", id));
      }
    }
  }
  return {};
}

Result<Report> run_checks(const Snapshot& snapshot, const RunOptions& options)
{
  CVA_TRY(validate_run_options(options));
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

bool glob_match(std::string_view pattern, std::string_view text)
{
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
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
