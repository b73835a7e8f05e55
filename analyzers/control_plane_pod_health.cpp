// Flags coderd, provisioner and workspace-proxy pods that are pending, crash-looping, OOMKilled,
// restarting or not ready. These are the first signs of a control plane that is under-sized or
// misconfigured, and they show up here before users notice.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

constexpr int k_restart_warn = 3;
constexpr std::string_view k_fatal_waits[] = {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
                                              "CreateContainerConfigError", "InvalidImageName"};

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  int checked = 0;
  int synthesized = 0;
  for (const Pod& p : snapshot.pods) {
    if (p.role != CoderRole::coderd && p.role != CoderRole::provisioner && p.role != CoderRole::workspace_proxy) {
      continue;
    }
    if (p.synthesized) {
      ++synthesized;
      continue;
    }
    ++checked;
    const std::string who = fmt::format("{} ({})", describe(p), to_string(p.role));
    if (p.phase == "Pending") {
      const bool unsched = p.unschedulable;
      findings.push_back(finding(Outcome::fail,
                                 unsched ? fmt::format("{} is Pending and unschedulable: {}", who, p.unschedulable_message)
                                         : fmt::format("{} is Pending", who),
                                 {ref(p)}, {evidence_at(p, "/status/phase", p.phase)}));
      continue;
    }
    if (p.phase == "Failed") {
      findings.push_back(finding(Outcome::fail, fmt::format("{} has Failed ({})", who, p.reason), {ref(p)},
                                 {evidence_at(p, "/status/phase", p.phase)}));
      continue;
    }
    Outcome worst = Outcome::pass;
    std::vector<std::string> notes;
    std::vector<Evidence> evidence;
    // Snapshot keeps containerStatuses first, then initContainerStatuses.
    const auto main_count = static_cast<std::size_t>(
      std::count_if(p.statuses.begin(), p.statuses.end(), [](const ContainerStatus& x) { return !x.init; }));
    for (std::size_t i = 0; i < p.statuses.size(); ++i) {
      const ContainerStatus& s = p.statuses[i];
      const std::string pointer = s.init ? fmt::format("/status/initContainerStatuses/{}", i - main_count)
                                         : fmt::format("/status/containerStatuses/{}", i);
      for (const std::string_view w : k_fatal_waits) {
        if (s.state == "waiting" && s.reason == w) {
          worst = Outcome::fail;
          notes.push_back(fmt::format("container {} is waiting in {}", s.name, s.reason));
          evidence.push_back(evidence_at(p, pointer + "/state", s.reason));
        }
      }
      if (s.last_terminated_reason == "OOMKilled" || (s.state == "terminated" && s.reason == "OOMKilled")) {
        worst = std::max(worst, Outcome::warn);
        notes.push_back(fmt::format("container {} was OOMKilled (memory limit too low for its load)", s.name));
        evidence.push_back(evidence_at(p, pointer + "/lastState/terminated/reason", "OOMKilled"));
      }
      if (s.restart_count >= k_restart_warn) {
        worst = std::max(worst, Outcome::warn);
        notes.push_back(fmt::format("container {} restarted {} times", s.name, s.restart_count));
        evidence.push_back(evidence_at(p, pointer + "/restartCount", std::to_string(s.restart_count)));
      } else if (s.restart_count > 0) {
        worst = std::max(worst, Outcome::info);
        notes.push_back(fmt::format("container {} restarted {} time(s)", s.name, s.restart_count));
        evidence.push_back(evidence_at(p, pointer + "/restartCount", std::to_string(s.restart_count)));
      }
      if (!s.init && !s.ready && p.phase == "Running" && worst < Outcome::warn) {
        worst = Outcome::warn;
        notes.push_back(fmt::format("container {} is not ready", s.name));
      }
    }
    for (const Event& e : snapshot.events) {
      if (e.type == "Warning" && e.involved_kind == "Pod" && e.involved_namespace == p.meta.namespace_ &&
          e.involved_name == p.meta.name && worst >= Outcome::info) {
        notes.push_back(fmt::format("event {} x{}: {}", e.reason, e.count, excerpt(e.message, 120)));
        evidence.push_back(evidence_at(e, "/message", e.message));
      }
    }
    if (worst != Outcome::pass) {
      findings.push_back(finding(worst, fmt::format("{}: {}", who, fmt::join(notes, "; ")), {ref(p)}, std::move(evidence)));
    }
  }
  if (checked == 0) {
    return {finding(Outcome::unknown, synthesized > 0
                                        ? "the control-plane pods were synthesized from manifests, so their state was "
                                          "never observed"
                                        : "no coderd, provisioner or workspace-proxy pod in the input")};
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} control-plane pod(s) running and ready, none restarted", checked)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "control-plane-pod-health",
  .area = "compute",
  .title = "Control-plane pods are running without restarts",
  .description = "Flags coderd, provisioner and proxy pods that are Pending, Failed or crash-looping (fail), "
                 "OOMKilled, restarting 3+ times or not ready (warn); a restart or two is info.",
  .severity = Outcome::fail,
  .inputs = {"pods"},
  .remediation = "Read the pod's events and previous logs (`kubectl describe pod`, `kubectl logs --previous`): raise "
                 "memory for OOMKills, fix the scheduling constraint or add capacity for Pending pods, fix the image or "
                 "configuration for crash loops.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
