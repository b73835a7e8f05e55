// Checks that a PodDisruptionBudget covers coderd. The Helm chart ships none, so a node drain or a
// cluster upgrade may evict every replica at once; a budget that allows no disruption at all
// blocks drains instead.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const Coverage& cov = snapshot.coverage("poddisruptionbudgets");
  for (const RoleObject& o : coderd_templates(snapshot)) {
    const std::string& ns = o.object->meta.namespace_;
    if (cov.refused.contains(ns) || cov.refused.contains("")) {
      const auto it = cov.refused.contains(ns) ? cov.refused.find(ns) : cov.refused.find("");
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("PodDisruptionBudgets in namespace {} could not be read ({}), so whether "
                                             "one covers {} is unknown",
                                             ns, it->second, describe(*o.object)),
                                 {ref(*o.object)}));
      continue;
    }
    const PodDisruptionBudget* match = nullptr;
    for (const PodDisruptionBudget& pdb : snapshot.pdbs) {
      if (pdb.meta.namespace_ == ns && pdb.selector.matches(pod_labels(o))) {
        match = &pdb;
        break;
      }
    }
    if (match == nullptr) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("no PodDisruptionBudget in namespace {} selects the pods of {}: a node drain "
                                             "or cluster upgrade can evict every coderd replica at once",
                                             ns, describe(*o.object)),
                                 {ref(*o.object)}));
      continue;
    }
    const std::string rule = !match->min_available.empty() ? "minAvailable " + match->min_available
                                                            : "maxUnavailable " + match->max_unavailable;
    if (match->expected_pods > 0 && match->disruptions_allowed == 0) {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("{} covers {} ({}) but currently allows no disruption: node drains will "
                                             "wait until more replicas are ready",
                                             describe(*match), describe(*o.object), rule),
                                 {ref(*o.object), ref(*match)},
                                 {evidence_at(*match, "/status/disruptionsAllowed", "0")}));
      continue;
    }
    findings.push_back(finding(Outcome::pass, fmt::format("{} covers {} ({})", describe(*match), describe(*o.object), rule),
                               {ref(*o.object), ref(*match)}));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-disruption-budget",
  .area = "compute",
  .title = "A PodDisruptionBudget protects coderd from evictions",
  .description = "Flags coderd without a PodDisruptionBudget selecting its pods (warn); a budget that currently "
                 "allows no disruption is info.",
  .severity = Outcome::warn,
  .inputs = {"poddisruptionbudgets"},
  .remediation = "Create a PodDisruptionBudget for coderd (the chart has none), e.g. `minAvailable: 2` or "
                 "`maxUnavailable: 1` with the chart's selector `app.kubernetes.io/name: coder`, "
                 "`app.kubernetes.io/instance: <release>`.",
  .doc_url = "https://coder.com/docs/tutorials/best-practices/scale-coder",
  .run = &analyze,
});
