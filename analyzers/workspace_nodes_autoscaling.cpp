// Checks that workspace pods run on node groups that autoscale. The validated architecture puts
// workspaces in an auto-scaling node group: fixed capacity either leaves builds waiting for room
// or pays for idle nodes.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

#include <map>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  struct Group
  {
    const Node* node = nullptr;
    int pods = 0;
  };
  std::map<std::string, Group> groups;
  std::vector<Finding> findings;
  for (const Pod* p : snapshot.coder.workspaces) {
    if (p->node_name.empty()) {
      continue;
    }
    const Node* n = snapshot.find_node(p->node_name);
    if (n == nullptr) {
      findings.push_back(finding(Outcome::unknown, fmt::format("workspace {} runs on node {}, which is not in the input",
                                                               describe(*p), p->node_name),
                                 {ref(*p)}));
      continue;
    }
    Group& g = groups[n->group.empty() ? "node " + n->meta.name : n->group];
    if (g.node == nullptr || (g.node->autoscaling == Autoscaling::unknown && n->autoscaling != Autoscaling::unknown)) {
      g.node = n;
    }
    ++g.pods;
  }
  if (groups.empty() && findings.empty()) {
    return {finding(Outcome::unknown, "no scheduled workspace pod in the input, so the workspace node group is unknown")};
  }
  for (const auto& [name, g] : groups) {
    const Evidence ev = evidence_at(*g.node, "/metadata/labels",
                                    g.node->group_label.empty() ? g.node->meta.name : g.node->group_label + "=" + g.node->group);
    switch (g.node->autoscaling) {
      case Autoscaling::autoscaled:
        findings.push_back(finding(Outcome::pass, fmt::format("{} workspace pod(s) run in {}, which autoscales: {}", g.pods,
                                                              name, g.node->autoscaling_reason),
                                   {ref(*g.node)}, {ev}));
        break;
      case Autoscaling::fixed:
        findings.push_back(finding(Outcome::warn,
                                   fmt::format("{} workspace pod(s) run in {}, which does not autoscale: {}", g.pods, name,
                                               g.node->autoscaling_reason),
                                   {ref(*g.node)}, {ev}));
        break;
      case Autoscaling::unknown:
        findings.push_back(finding(Outcome::unknown,
                                   fmt::format("{} workspace pod(s) run in {}, whose scaling is unknown: {}", g.pods, name,
                                               g.node->autoscaling_reason),
                                   {ref(*g.node)}, {ev}));
        break;
    }
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspace-nodes-autoscaling",
  .area = "workspaces",
  .title = "Workspaces run on an autoscaling node group",
  .description = "Flags node groups hosting workspace pods that neither the Cluster Autoscaler nor Karpenter manages.",
  .severity = Outcome::warn,
  .inputs = {"pods", "nodes"},
  .remediation = "Put workspaces in a node group managed by the Cluster Autoscaler or Karpenter (scaling up at about "
                 "80% CPU or memory; not down to zero), and pin templates to it with a nodeSelector.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
