// Counts coderd replicas: one is a single point of failure, two survive one loss but not a
// rolling update during an outage, three or more is the validated architecture's HA minimum,
// and more than ten adds database and relay load without benefit (scale-coder guide).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

Outcome outcome_for(int replicas)
{
  if (replicas <= 1) {
    return Outcome::fail;
  }
  if (replicas == 2 || replicas > 10) {
    return Outcome::warn;
  }
  return Outcome::pass;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  for (const Workload* w : snapshot.coder.coderd_workloads) {
    const int desired = w->desired_replicas();
    const int ready = static_cast<int>(std::count_if(
      snapshot.pods.begin(), snapshot.pods.end(), [&](const Pod& p) {
        return p.role == CoderRole::coderd && p.meta.namespace_ == w->meta.namespace_ &&
               p.workload_kind == w->kind && p.workload_name == w->meta.name && p.ready();
      }));
    std::string message;
    const Outcome o = outcome_for(desired);
    if (desired == 0) {
      message = fmt::format("{} is scaled to zero: no coderd replica serves Coder", describe(*w));
    } else if (o == Outcome::fail) {
      message = fmt::format("{} runs {} coderd replica: a single replica is a single point of failure, and every "
                            "upgrade or node drain takes Coder down",
                            describe(*w), desired);
    } else if (desired == 2) {
      message = fmt::format("{} runs 2 coderd replicas; the validated architecture runs at least 3 so that one "
                            "can fail while another is being replaced",
                            describe(*w));
    } else if (desired > 10) {
      message = fmt::format("{} runs {} coderd replicas; keep to ten or fewer, since every replica adds "
                            "database connections and relay mesh traffic",
                            describe(*w), desired);
    } else {
      message = fmt::format("{} runs {} coderd replicas", describe(*w), desired);
    }
    if (!snapshot.coverage("pods").synthesized && snapshot.coverage("pods").usable() && ready < desired) {
      message += fmt::format(" ({} of {} ready)", ready, desired);
    }
    const std::string value = w->replicas ? std::to_string(*w->replicas) : "unset (defaults to 1)";
    findings.push_back(finding(o, std::move(message), {ref(*w)}, {evidence_at(*w, "/spec/replicas", value)}));
  }
  if (snapshot.coder.coderd_workloads.empty()) {
    // Pods without their Deployment (it was not collected): count the pods themselves.
    std::vector<ObjectRef> refs;
    std::vector<Evidence> evidence;
    for (const Pod* p : snapshot.coder.coderd) {
      refs.push_back(ref(*p));
      evidence.push_back(evidence_at(*p, "/metadata/name", p->meta.name));
    }
    const int n = static_cast<int>(snapshot.coder.coderd.size());
    findings.push_back(finding(outcome_for(n),
                               fmt::format("{} coderd pod(s) found (their Deployment was not in the input)", n),
                               std::move(refs), std::move(evidence)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-replicas",
  .area = "compute",
  .title = "coderd runs at least three replicas",
  .description = "Counts coderd replicas: 1 fails (single point of failure), 2 warns, 3 to 10 pass, more "
                 "than 10 warns.",
  .severity = Outcome::fail,
  .inputs = {},
  .remediation = "Set `coder.replicaCount: 3` (or more, up to 10) in the Helm values; high availability "
                 "needs an Enterprise or Premium license.",
  .doc_url = "https://coder.com/docs/tutorials/best-practices/scale-coder",
  .run = &analyze,
});
