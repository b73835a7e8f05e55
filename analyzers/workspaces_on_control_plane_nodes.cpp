// Flags workspace pods on Kubernetes control-plane nodes, or in the node group that hosts coderd.
// Workspaces run user code with bursty load; the validated architecture gives them their own node
// group so they can neither starve coderd nor be starved by it.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace {

using namespace cva;

bool is_kube_control_plane(const Node& n)
{
  return std::any_of(n.roles.begin(), n.roles.end(), [](const std::string& r) { return r == "control-plane" || r == "master"; });
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::set<std::string> cp_groups;
  for (const Pod* p : snapshot.coder.coderd) {
    if (const Node* n = snapshot.find_node(p->node_name); n != nullptr && !n->group.empty()) {
      cp_groups.insert(n->group);
    }
  }
  std::vector<Finding> findings;
  int placed = 0;
  for (const Pod* p : snapshot.coder.workspaces) {
    if (p->node_name.empty()) {
      continue;
    }
    ++placed;
    const Node* n = snapshot.find_node(p->node_name);
    if (n == nullptr) {
      continue;
    }
    const Evidence ev = evidence_at(*p, "/spec/nodeName", p->node_name);
    if (is_kube_control_plane(*n)) {
      findings.push_back(finding(Outcome::fail,
                                 fmt::format("workspace {} runs on {}, a Kubernetes control-plane node (roles {})",
                                             describe(*p), n->meta.name, fmt::join(n->roles, ", ")),
                                 {ref(*p), ref(*n)}, {ev}));
    } else if (cp_groups.contains(n->group)) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("workspace {} runs on node {} in group {}, which also hosts coderd",
                                             describe(*p), n->meta.name, n->group),
                                 {ref(*p), ref(*n)}, {ev}));
    }
  }
  if (placed == 0) {
    return {finding(Outcome::unknown, "no scheduled workspace pod in the input")};
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass,
                               cp_groups.empty()
                                 ? fmt::format("{} workspace pod(s) run off Kubernetes control-plane nodes (coderd's node "
                                               "group is unknown, so only that was checked)",
                                               placed)
                                 : fmt::format("{} workspace pod(s) run outside coderd's node group(s) {}", placed,
                                               fmt::join(cp_groups, ", "))));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspaces-on-control-plane-nodes",
  .area = "workspaces",
  .title = "Workspaces stay off control-plane nodes",
  .description = "Flags workspace pods on Kubernetes control-plane nodes (fail) or in the node group that runs "
                 "coderd (warn).",
  .severity = Outcome::warn,
  .inputs = {"pods", "nodes"},
  .remediation = "Pin workspace templates to the workspace node group (nodeSelector or node affinity in the "
                 "template's pod spec) and taint the control-plane group so workspaces cannot land there.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
