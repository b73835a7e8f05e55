// Flags nodes that run both coderd (or provisioners/proxies) and workspaces. The validated
// architecture separates the two node groups: workspaces are user-controlled, bursty and
// autoscaled, and a noisy workspace must never starve or evict the control plane.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const bool any_placed_workspace = std::any_of(snapshot.coder.workspaces.begin(), snapshot.coder.workspaces.end(),
                                                [](const Pod* p) { return !p->node_name.empty(); });
  if (!any_placed_workspace) {
    return {finding(Outcome::unknown, "no scheduled workspace pods were found, so node sharing could not be checked")};
  }
  std::map<std::string, std::pair<std::vector<const Pod*>, std::vector<const Pod*>>> by_node;
  for (const Pod& p : snapshot.pods) {
    if (p.node_name.empty()) {
      continue;
    }
    if (p.role == CoderRole::coderd || p.role == CoderRole::workspace_proxy || p.role == CoderRole::provisioner) {
      by_node[p.node_name].first.push_back(&p);
    } else if (p.role == CoderRole::workspace) {
      by_node[p.node_name].second.push_back(&p);
    }
  }
  int control_nodes = 0;
  for (const auto& [node_name, pods] : by_node) {
    const auto& [control, workspaces] = pods;
    if (control.empty()) {
      continue;
    }
    ++control_nodes;
    if (workspaces.empty()) {
      continue;
    }
    const bool coderd_here = std::any_of(control.begin(), control.end(),
                                         [](const Pod* p) { return p->role == CoderRole::coderd; });
    std::vector<ObjectRef> refs;
    std::vector<Evidence> evidence;
    std::vector<std::string> names;
    for (const Pod* p : control) {
      refs.push_back(ref(*p));
      names.push_back(fmt::format("{} ({})", p->meta.name, to_string(p->role)));
      evidence.push_back(evidence_at(*p, "/spec/nodeName", node_name));
    }
    for (const Pod* p : workspaces) {
      refs.push_back(ref(*p));
      evidence.push_back(evidence_at(*p, "/spec/nodeName", node_name));
    }
    if (const Node* n = snapshot.find_node(node_name)) {
      refs.insert(refs.begin(), ref(*n));
    }
    findings.push_back(finding(coderd_here ? Outcome::warn : Outcome::info,
                               fmt::format("node {} runs {} and {} workspace pod(s)", node_name,
                                           fmt::join(names, ", "), workspaces.size()),
                               std::move(refs), std::move(evidence)));
  }
  if (control_nodes == 0) {
    return {finding(Outcome::unknown, "no control-plane pod is scheduled on a node in the input")};
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass,
                               fmt::format("the control plane's {} node(s) run no workspace pods", control_nodes)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "control-plane-shares-workspace-nodes",
  .area = "compute",
  .title = "The control plane and workspaces run on separate nodes",
  .description = "Flags nodes that run coderd together with workspace pods (warn); provisioners or proxies beside "
                 "workspaces are reported as info.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Give the control plane its own node group: a nodeSelector or required node affinity in "
                 "`coder.nodeSelector`/`coder.affinity`, a taint on those nodes with a matching toleration, and "
                 "workspace templates pinned to the workspace node group.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
