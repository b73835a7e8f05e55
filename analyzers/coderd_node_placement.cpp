// Checks that coderd is pinned to its node group: a nodeSelector or node affinity, and a
// toleration for the taint that keeps other pods off those nodes. The Helm chart sets neither, so
// by default coderd lands wherever the scheduler likes, workspace nodes included.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const std::string base_pointer = "/spec/template/spec";
  for (const RoleObject& o : coderd_templates(snapshot)) {
    const PodSpec& spec = *o.spec;
    const std::string spec_pointer = o.in_template ? base_pointer : "/spec";
    std::vector<std::string> selectors;
    for (const auto& [k, v] : spec.node_selector) {
      selectors.push_back(k + "=" + v);
    }
    const bool pinned = !spec.node_selector.empty() || spec.has_node_affinity;
    if (!pinned) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} has no nodeSelector and no node affinity: coderd can be scheduled "
                                             "onto any node, workspace nodes included",
                                             describe(*o.object)),
                                 {ref(*o.object)}, {evidence_at(*o.object, spec_pointer + "/nodeSelector", "(none)")}));
      continue;
    }
    const std::string how = spec.node_selector.empty()
                              ? std::string("node affinity")
                              : fmt::format("nodeSelector {}", fmt::join(selectors, ", "));
    if (spec.tolerations.empty()) {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("{} is pinned by {} but tolerates no taint: its nodes are not tainted, so "
                                             "other pods can be scheduled beside coderd",
                                             describe(*o.object), how),
                                 {ref(*o.object)}, {evidence_at(*o.object, spec_pointer + "/tolerations", "(none)")}));
      continue;
    }
    findings.push_back(finding(Outcome::pass,
                               fmt::format("{} is pinned by {} and tolerates {} taint(s) of its dedicated nodes",
                                           describe(*o.object), how, spec.tolerations.size()),
                               {ref(*o.object)}));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-node-placement",
  .area = "compute",
  .title = "coderd is pinned to the control-plane node group",
  .description = "Flags coderd without a nodeSelector or node affinity (warn); pinned but without tolerations, so "
                 "its nodes are not reserved, is info.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Set `coder.nodeSelector` (or a required node affinity in `coder.affinity`) to the control-plane "
                 "node group, taint those nodes (e.g. `dedicated=coder-control:NoSchedule`) and add the matching "
                 "`coder.tolerations`.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
