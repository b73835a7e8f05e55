// Flags coderd, workspace-proxy and provisioner pods on nodes that an autoscaler can remove
// (Cluster Autoscaler node groups, Karpenter NodePools). The validated architecture requires a
// static control-plane node group: a scale-down event evicts coderd and drops every connection.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

// What stops the autoscaler from removing this pod's node, if anything.
std::string eviction_guard(const Pod& pod, const Node& node)
{
  const auto annotation = [&](std::string_view key) {
    const auto it = pod.meta.annotations.find(key);
    return it == pod.meta.annotations.end() ? std::string() : it->second;
  };
  if (node.scale_down_disabled) {
    return "node annotated cluster-autoscaler.kubernetes.io/scale-down-disabled=true";
  }
  if (node.provider != "karpenter" && annotation("cluster-autoscaler.kubernetes.io/safe-to-evict") == "false") {
    return "pod annotated cluster-autoscaler.kubernetes.io/safe-to-evict=false";
  }
  if (node.provider == "karpenter" && annotation("karpenter.sh/do-not-disrupt") == "true") {
    return "pod annotated karpenter.sh/do-not-disrupt=true";
  }
  return {};
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  int on_fixed = 0;
  int placed = 0;
  for (const Pod& pod : snapshot.pods) {
    if (pod.role != CoderRole::coderd && pod.role != CoderRole::workspace_proxy && pod.role != CoderRole::provisioner) {
      continue;
    }
    if (pod.node_name.empty()) {
      continue; // not scheduled (or synthesized): nothing to say about its node
    }
    ++placed;
    const Node* node = snapshot.find_node(pod.node_name);
    if (node == nullptr) {
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("{} runs on node {}, which is not in the input", describe(pod), pod.node_name),
                                 {ref(pod)}, {evidence_at(pod, "/spec/nodeName", pod.node_name)}));
      continue;
    }
    const std::string group = node->group.empty() ? std::string("(no node-group label)") : node->group;
    switch (node->autoscaling) {
      case Autoscaling::autoscaled: {
        const std::string guard = eviction_guard(pod, *node);
        const bool provisioner = pod.role == CoderRole::provisioner;
        const Outcome o = guard.empty() && !provisioner ? Outcome::fail : Outcome::warn;
        std::string message = fmt::format("{} ({}) runs on node {} in autoscaled group {}: {}", describe(pod),
                                          to_string(pod.role), node->meta.name, group, node->autoscaling_reason);
        if (!guard.empty()) {
          message += fmt::format("; scale-down is held off only by the {}", guard);
        }
        findings.push_back(finding(o, std::move(message), {ref(pod), ref(*node)},
                                   {evidence_at(pod, "/spec/nodeName", pod.node_name),
                                    evidence_at(*node, "/metadata/labels",
                                                node->group_label.empty() ? node->meta.name
                                                                          : node->group_label + "=" + node->group)}));
        break;
      }
      case Autoscaling::unknown:
        findings.push_back(finding(Outcome::unknown,
                                   fmt::format("{} runs on node {} (group {}), whose scaling is unknown: {}",
                                               describe(pod), node->meta.name, group, node->autoscaling_reason),
                                   {ref(pod), ref(*node)}));
        break;
      case Autoscaling::fixed:
        ++on_fixed;
        break;
    }
  }
  if (placed == 0) {
    return {finding(Outcome::unknown, "no control-plane pod is scheduled on a node in the input, so their node "
                                      "groups could not be checked")};
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} control-plane pod(s) run on node groups that do not "
                                                          "autoscale",
                                                          on_fixed)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "control-plane-autoscaled-nodes",
  .area = "compute",
  .title = "The control plane runs on a static node group",
  .description = "Flags coderd and workspace-proxy pods (fail) and provisioners (warn) on nodes that the Cluster "
                 "Autoscaler or Karpenter can remove, judged from the autoscaler's status ConfigMap, Karpenter "
                 "labels and cloud node-group labels.",
  .severity = Outcome::fail,
  .inputs = {"pods", "nodes"},
  .remediation = "Run coderd on a dedicated node group with autoscaling off (fixed min = max) and pin it there with "
                 "`coder.nodeSelector` or affinity; for Karpenter, use a NodePool with `disruption.budgets` of 0 or "
                 "a static node group outside Karpenter.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
