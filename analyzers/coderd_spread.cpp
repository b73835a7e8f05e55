// Checks that coderd replicas run on different nodes and, in a multi-zone cluster, in more than
// one zone. Replicas stacked on one node or zone fall together, which defeats the point of
// running several (the Helm chart's default anti-affinity is only preferred, and only matches a
// release named `coder`).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  std::vector<const Pod*> placed;
  for (const Pod* p : snapshot.coder.coderd) {
    if (!p->node_name.empty() && !p->synthesized) {
      placed.push_back(p);
    }
  }
  if (placed.empty()) {
    return {finding(Outcome::unknown, "no coderd pod is scheduled on a node in the input, so their spread is unknown")};
  }
  if (placed.size() == 1) {
    return {finding(Outcome::info,
                    fmt::format("only one coderd pod ({}) runs, so there is nothing to spread (see coderd-replicas)",
                                placed.front()->meta.name),
                    {ref(*placed.front())})};
  }
  std::map<std::string, std::vector<const Pod*>> by_node;
  std::set<std::string> zones;
  bool zones_known = true;
  for (const Pod* p : placed) {
    by_node[p->node_name].push_back(p);
    const Node* n = snapshot.find_node(p->node_name);
    if (n == nullptr || n->zone.empty()) {
      zones_known = false;
    } else {
      zones.insert(n->zone);
    }
  }
  for (const auto& [node, pods] : by_node) {
    if (pods.size() < 2) {
      continue;
    }
    std::vector<ObjectRef> refs;
    std::vector<Evidence> evidence;
    std::vector<std::string> names;
    for (const Pod* p : pods) {
      refs.push_back(ref(*p));
      names.push_back(p->meta.name);
      evidence.push_back(evidence_at(*p, "/spec/nodeName", node));
    }
    findings.push_back(finding(Outcome::warn,
                               fmt::format("{} coderd replicas ({}) share node {}: losing that node takes them down "
                                           "together",
                                           pods.size(), fmt::join(names, ", "), node),
                               std::move(refs), std::move(evidence)));
  }
  std::set<std::string> cluster_zones;
  for (const Node& n : snapshot.nodes) {
    if (!n.zone.empty()) {
      cluster_zones.insert(n.zone);
    }
  }
  if (!zones_known) {
    findings.push_back(finding(Outcome::unknown, "some coderd nodes are missing from the input or carry no "
                                                 "topology.kubernetes.io/zone label, so the zone spread is unknown"));
  } else if (zones.size() == 1 && cluster_zones.size() > 1) {
    findings.push_back(finding(Outcome::warn,
                               fmt::format("all {} coderd replicas run in zone {} although the cluster has nodes in "
                                           "{} zones ({}): a zone outage takes Coder down",
                                           placed.size(), *zones.begin(), cluster_zones.size(),
                                           fmt::join(cluster_zones, ", "))));
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass,
                               fmt::format("{} coderd replicas run on {} nodes in {} zone(s){}", placed.size(),
                                           by_node.size(), zones.size(),
                                           cluster_zones.size() <= 1 ? " (the cluster has a single zone)" : "")));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "coderd-spread",
  .area = "compute",
  .title = "coderd replicas are spread over nodes and zones",
  .description = "Flags coderd replicas that share a node, or that all run in one zone of a multi-zone cluster.",
  .severity = Outcome::warn,
  .inputs = {"pods", "nodes"},
  .remediation = "Add a required podAntiAffinity on `kubernetes.io/hostname` and a topologySpreadConstraint on "
                 "`topology.kubernetes.io/zone` to `coder.affinity` / `coder.topologySpreadConstraints`, matching "
                 "your release's `app.kubernetes.io/instance` label.",
  .doc_url = "https://coder.com/docs/tutorials/best-practices/scale-coder",
  .run = &analyze,
});
