// Flags a HorizontalPodAutoscaler on coderd. Coder's scaling guide says not to autoscale coderd:
// replicas are sized for the user count, and scaling events reshuffle the relay mesh and drop
// websocket connections.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  if (snapshot.coder.coderd_workloads.empty()) {
    return {finding(Outcome::unknown, "no coderd Deployment in the input, so an HPA targeting it cannot be matched")};
  }
  for (const Workload* w : snapshot.coder.coderd_workloads) {
    for (const HorizontalPodAutoscaler& h : snapshot.hpas) {
      if (h.meta.namespace_ == w->meta.namespace_ && h.target_kind == w->kind && h.target_name == w->meta.name) {
        findings.push_back(finding(Outcome::warn,
                                   fmt::format("{} scales {} between {} and {} replicas: coderd should run a fixed "
                                               "replica count sized for its users",
                                               describe(h), describe(*w), h.min_replicas, h.max_replicas),
                                   {ref(h), ref(*w)},
                                   {evidence_at(h, "/spec/scaleTargetRef/name", h.target_name)}));
      }
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, "no HorizontalPodAutoscaler targets coderd"));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-hpa",
  .area = "compute",
  .title = "coderd is not autoscaled by an HPA",
  .description = "Flags a HorizontalPodAutoscaler whose target is a coderd Deployment.",
  .severity = Outcome::warn,
  .inputs = {"horizontalpodautoscalers"},
  .remediation = "Delete the HPA and set a fixed `coder.replicaCount` for your tier (3 up to 2,000 users, 4 at "
                 "3,000), scaling by hand as users grow.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/scale-testing",
  .run = &analyze,
});
