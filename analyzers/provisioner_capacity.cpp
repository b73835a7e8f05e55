// Compares provisioner capacity with the builds in flight when the data was collected. Each
// daemon handles one build at a time, so builds beyond the daemon count queue, and users wait
// for their workspaces to start.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/model/prometheus.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ProvisionerCapacity cap = provisioner_capacity(snapshot);
  const std::optional<int> total = cap.total();
  std::optional<int> building;
  std::optional<int> pending;
  std::vector<Evidence> evidence;
  if (const CoderDocument* stats = snapshot.coder_data.find("stats")) {
    const Json& ws = json_at(stats->json, "workspaces");
    if (json_at(ws, "building").is_number()) {
      building = static_cast<int>(json_int(ws, "building"));
      pending = static_cast<int>(json_int(ws, "pending"));
      evidence.push_back(Evidence{stats->path, "/workspaces", fmt::format("building {}, pending {}", *building, *pending)});
    }
  }
  if (!building) {
    for (const auto& [path, text] : snapshot.coder_data.metrics) {
      auto samples = parse_prometheus_text(text, path);
      if (!samples) {
        continue;
      }
      if (const auto v = metric_sum(*samples, "coderd_provisionerd_jobs_current")) {
        building = static_cast<int>(*v);
        pending = 0;
        evidence.push_back(Evidence{path, "", fmt::format("coderd_provisionerd_jobs_current {}", *building)});
        break;
      }
    }
  }
  if (!building) {
    return {finding(Outcome::unknown, "no build activity in the input (deployment stats or the "
                                      "coderd_provisionerd_jobs_current metric), so capacity cannot be compared")};
  }
  if (!total) {
    return {finding(Outcome::unknown,
                    fmt::format("{} build(s) in flight, but the number of built-in daemons is unknown "
                                "(CODER_PROVISIONER_DAEMONS unseen)",
                                *building + *pending),
                    {}, std::move(evidence))};
  }
  for (Evidence& e : setting_evidence(cap.setting)) {
    evidence.push_back(std::move(e));
  }
  const int demand = *building + *pending;
  const std::string capacity = cap.describe();
  if (demand > *total) {
    return {finding(Outcome::warn,
                    fmt::format("{} build(s) in flight ({} building, {} pending) but only {}: each daemon runs one build "
                                "at a time, so builds queue",
                                demand, *building, *pending, capacity),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::pass,
                  fmt::format("{} build(s) in flight at collection time fit {}", demand, capacity), {},
                  std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "provisioner-capacity",
  .area = "provisioners",
  .title = "Provisioner daemons cover the builds in flight",
  .description = "Compares the daemon count (external pods plus built-in daemons per coderd replica) with the "
                 "builds building or pending in the deployment stats (or coderd_provisionerd_jobs_current).",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Add external provisioner replicas (1 vCPU / 1 GB each, one build each) until queued builds "
                 "disappear; watch `coderd_provisioner_job_queue_wait_seconds`.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/scale-testing",
  .run = &analyze,
});
