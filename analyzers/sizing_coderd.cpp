// Compares coderd's replica count and per-replica CPU and memory with the reference tier. Under-
// sized coderd shows up as slow API calls and dropped websockets at peak; the numbers differ
// between editions of the reference, so the finding names the one applied.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {no_user_count("coderd's size")};
  }
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const TierSpec& t = *basis->spec;
  const int replicas = coderd_replica_count(snapshot);
  std::vector<std::string> gaps;
  if (replicas < t.coderd_replicas) {
    gaps.push_back(fmt::format("{} replica(s), the tier runs {}", replicas, t.coderd_replicas));
  }
  std::vector<ObjectRef> refs;
  std::vector<Evidence> evidence = basis->evidence;
  for (const RoleObject& o : coderd_templates(snapshot)) {
    refs.push_back(ref(*o.object));
    const Container* c = coderd_container(o.spec->containers);
    if (c == nullptr) {
      continue;
    }
    const Resources& r = c->resources;
    const double cpu = r.cpu_request ? r.cpu_request->as_double() : 0;
    const double mem = r.memory_request ? r.memory_request->as_double() / k_gib : 0;
    evidence.push_back(evidence_at(*o.object, container_pointer(*c, o.in_template) + "/resources/requests",
                                   fmt::format("cpu {}, memory {}", r.cpu_request ? r.cpu_request->to_cpu_string() : "unset",
                                               r.memory_request ? r.memory_request->to_binary_string() : "unset")));
    if (cpu + 1e-9 < t.coderd_cpu) {
      gaps.push_back(fmt::format("{} requests {} CPU per replica, the tier {} vCPU", describe(*o.object),
                                 r.cpu_request ? r.cpu_request->to_cpu_string() : "no", t.coderd_cpu));
    }
    if (mem + 1e-6 < t.coderd_memory_gib) {
      gaps.push_back(fmt::format("{} requests {} memory per replica, the tier {} GB", describe(*o.object),
                                 r.memory_request ? r.memory_request->to_binary_string() : "no", t.coderd_memory_gib));
    }
  }
  const std::string head = describe_basis(*basis);
  if (!gaps.empty()) {
    findings.push_back(finding(Outcome::warn, fmt::format("{}: coderd is below the reference: {}", head, fmt::join(gaps, "; ")),
                               std::move(refs), std::move(evidence)));
  } else {
    findings.push_back(finding(Outcome::pass,
                               fmt::format("{}: {} coderd replica(s) with at least {} vCPU and {} GB each (the tier runs "
                                           "{})",
                                           head, replicas, t.coderd_cpu, t.coderd_memory_gib, t.coderd_replicas),
                               std::move(refs), std::move(evidence)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "sizing-coderd",
  .area = "sizing",
  .title = "coderd is sized for the tier",
  .description = "Compares coderd's replicas and per-replica CPU/memory requests with the tier (current edition: "
                 "2 vCPU/8 GB x3 at 1k, 4 vCPU/12 GB x3 at 2k, x4 at 3k, x10 at 10k; the previous edition differs).",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Set `coder.replicaCount` and `coder.resources` (requests = limits) to the tier's figures, e.g. "
                 "`4000m`/`12Gi` and 3 replicas for up to 2,000 users.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
