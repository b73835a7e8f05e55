// Flags provisioner daemons that share nodes with coderd at 2,000 users and more: external
// provisioner pods scheduled beside coderd, and built-in daemons (which run inside coderd). The
// 2k, 3k and 10k reference pages say "do not run provisioners on coderd nodes at this scale".
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  std::vector<Finding> missing = missing_coderd(snapshot);
  if (!missing.empty()) {
    return missing;
  }
  std::set<std::string> coderd_nodes;
  for (const Pod* p : snapshot.coder.coderd) {
    if (!p->node_name.empty()) {
      coderd_nodes.insert(p->node_name);
    }
  }
  std::vector<std::string> shared;
  std::vector<ObjectRef> refs;
  std::vector<Evidence> evidence;
  for (const Pod* p : snapshot.coder.provisioners) {
    if (coderd_nodes.contains(p->node_name)) {
      shared.push_back(fmt::format("{} on {}", p->meta.name, p->node_name));
      refs.push_back(ref(*p));
      evidence.push_back(evidence_at(*p, "/spec/nodeName", p->node_name));
    }
  }
  const ProvisionerCapacity cap = provisioner_capacity(snapshot);
  const std::optional<int> builtin = cap.builtin();
  if (builtin && *builtin > 0) {
    shared.push_back(fmt::format("{} built-in daemon(s) inside coderd", *builtin));
    for (Evidence& e : setting_evidence(cap.setting)) {
      evidence.push_back(std::move(e));
    }
  }
  if (shared.empty()) {
    if (!builtin) {
      return {finding(Outcome::unknown, "no provisioner pod shares a node with coderd, but whether built-in daemons run "
                                        "inside coderd is unknown (CODER_PROVISIONER_DAEMONS unseen)",
                      {}, setting_evidence(cap.setting))};
    }
    return {finding(Outcome::pass, "no provisioner runs on a coderd node, and built-in daemons are off")};
  }
  const std::string what = fmt::format("provisioners share coderd's nodes: {}", fmt::join(shared, ", "));
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {finding(Outcome::unknown,
                    what + "; whether that is acceptable depends on the user count, which is unknown (set `users:` in "
                           "--config)",
                    std::move(refs), std::move(evidence))};
  }
  if (basis->tier == "1k") {
    return {finding(Outcome::info,
                    fmt::format("{}; {}: acceptable for small deployments (the 1k page allows it at about 100 users and "
                                "10 concurrent builds)",
                                what, describe_basis(*basis)),
                    std::move(refs), std::move(evidence))};
  }
  return {finding(Outcome::warn,
                  fmt::format("{}; {}: at this scale builds compete with the API for coderd's CPU and memory", what,
                              describe_basis(*basis)),
                  std::move(refs), std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "provisioner-on-coderd-nodes",
  .area = "provisioners",
  .title = "Provisioners do not run on coderd nodes at 2,000 users and more",
  .description = "Flags external provisioner pods on coderd's nodes and built-in daemons inside coderd: warn from "
                 "the 2k tier up, info below it.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Give provisioners their own node group (`provisionerDaemon` chart `nodeSelector`/`tolerations`, "
                 "compute-optimized nodes) and set `CODER_PROVISIONER_DAEMONS=0` on coderd.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures/2k-users",
  .run = &analyze,
});
