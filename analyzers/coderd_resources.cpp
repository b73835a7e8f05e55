// Checks coderd's CPU and memory requests and limits. Without them coderd is BestEffort (first to
// be evicted under node pressure, and GOMEMLIMIT has nothing to follow); below 1 vCPU and 2 GB it
// is under Coder's stated minimum per replica; the reference sets requests equal to limits.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

constexpr std::int64_t k_min_millicores = 1000;
constexpr std::int64_t k_min_memory = 2LL * 1024 * 1024 * 1024;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  for (const RoleObject& o : coderd_templates(snapshot)) {
    const Container* c = coderd_container(o.spec->containers);
    if (c == nullptr) {
      continue;
    }
    const Resources& r = c->resources;
    const std::string pointer = container_pointer(*c, o.in_template) + "/resources";
    const auto shown = [](const std::optional<Quantity>& q, bool cpu) {
      return q ? (cpu ? q->to_cpu_string() : q->to_binary_string()) : std::string("unset");
    };
    const std::string summary = fmt::format("requests cpu {} memory {}, limits cpu {} memory {}",
                                            shown(r.cpu_request, true), shown(r.memory_request, false),
                                            shown(r.cpu_limit, true), shown(r.memory_limit, false));
    const Evidence ev = evidence_at(*o.object, pointer, summary);
    if (!r.cpu_request && !r.memory_request) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} sets no CPU or memory for container {}: coderd is BestEffort, first to "
                                             "be evicted under node pressure, with no memory limit for GOMEMLIMIT",
                                             describe(*o.object), c->name),
                                 {ref(*o.object)}, {ev}));
      continue;
    }
    std::vector<std::string> problems;
    if (!r.cpu_request || r.cpu_request->milli() < k_min_millicores) {
      problems.push_back(fmt::format("CPU request {} is below 1 vCPU", shown(r.cpu_request, true)));
    }
    if (!r.memory_request || r.memory_request->value() < k_min_memory) {
      problems.push_back(fmt::format("memory request {} is below 2 GiB", shown(r.memory_request, false)));
    }
    if (!r.memory_limit) {
      problems.push_back("no memory limit (GOMEMLIMIT follows limits.memory)");
    }
    if (!problems.empty()) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} container {}: {}; Coder's minimum is 1 vCPU and 2 GB per replica",
                                             describe(*o.object), c->name, fmt::join(problems, "; ")),
                                 {ref(*o.object)}, {ev}));
      continue;
    }
    if (r.cpu_request != r.cpu_limit || r.memory_request != r.memory_limit) {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("{} container {}: {}; the reference architectures set requests equal to "
                                             "limits",
                                             describe(*o.object), c->name, summary),
                                 {ref(*o.object)}, {ev}));
      continue;
    }
    findings.push_back(finding(Outcome::pass, fmt::format("{} container {}: {}", describe(*o.object), c->name, summary),
                               {ref(*o.object)}, {ev}));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-resources",
  .area = "compute",
  .title = "coderd has CPU and memory requests and limits",
  .description = "Flags coderd without resources, below 1 vCPU / 2 GB per replica or without a memory limit (warn); "
                 "requests that differ from limits are info. Tier sizing is the sizing-coderd check.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Set `coder.resources` with requests equal to limits, at least 1 vCPU and 2 GB per replica (the "
                 "reference uses 2000m/8Gi up to 1,000 users and 4000m/12Gi above).",
  .doc_url = "https://coder.com/docs/admin/infrastructure/scale-testing",
  .run = &analyze,
});
