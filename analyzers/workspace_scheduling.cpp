// Flags workspace pods that cannot be scheduled or have failed. A Pending workspace is a user
// waiting; Unschedulable usually means the workspace node group is full, the autoscaler cannot
// add nodes, or the template asks for a node, volume or resource that does not exist.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  int observed = 0;
  for (const Pod* p : snapshot.coder.workspaces) {
    if (p->synthesized) {
      continue;
    }
    ++observed;
    const Evidence ev = evidence_at(*p, "/status/phase", p->phase);
    if (p->phase == "Pending") {
      std::string why = p->unschedulable ? "unschedulable: " + p->unschedulable_message : std::string("not started yet");
      for (const Event& e : snapshot.events) {
        if (e.involved_kind == "Pod" && e.involved_namespace == p->meta.namespace_ && e.involved_name == p->meta.name &&
            e.type == "Warning") {
          why += fmt::format("; event {} x{}: {}", e.reason, e.count, excerpt(e.message, 160));
        }
      }
      findings.push_back(finding(p->unschedulable ? Outcome::warn : Outcome::info,
                                 fmt::format("workspace {} is Pending, {}", describe(*p), why), {ref(*p)}, {ev}));
    } else if (p->phase == "Failed") {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("workspace {} has Failed{}", describe(*p),
                                             p->reason.empty() ? std::string() : " (" + p->reason + ")"),
                                 {ref(*p)}, {ev}));
    }
  }
  if (observed == 0) {
    return {finding(Outcome::unknown, "no observed workspace pod in the input")};
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} workspace pod(s) scheduled, none Pending or Failed", observed)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspace-scheduling",
  .area = "workspaces",
  .title = "Workspace pods get scheduled",
  .description = "Flags workspace pods that are Pending and unschedulable or Failed (warn); Pending pods not yet "
                 "judged unschedulable are info. The scheduler's message and warning events are quoted.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Read the scheduler's message: add capacity or let the autoscaler grow the workspace node group, "
                 "fix template nodeSelectors/tolerations, or fix the storage class behind Pending volumes.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
