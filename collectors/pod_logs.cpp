// Logs of the Coder control plane (coderd, provisioners, workspace proxies): current and, after a
// restart, previous containers, bounded per container by --max-log-lines and --max-log-bytes;
// --since narrows the window but never lifts the byte cap.
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <atomic>

namespace {

using namespace cva;

std::string run(CollectContext& context)
{
  const Snapshot* cluster = context.cluster();
  if (cluster == nullptr) {
    return "no cluster state";
  }
  const CollectOptions& o = context.options();
  std::vector<std::function<void()>> tasks;
  std::atomic<std::size_t> files{0};
  std::atomic<std::size_t> bytes{0};
  std::atomic<int> failed{0};
  for (const Pod& pod : cluster->pods) {
    if (pod.role != CoderRole::coderd && pod.role != CoderRole::provisioner && pod.role != CoderRole::workspace_proxy) {
      continue;
    }
    for (const Container* c : pod.spec.all_containers()) {
      int restarts = 0;
      for (const ContainerStatus& s : pod.statuses) {
        if (s.name == c->name) {
          restarts = s.restart_count;
        }
      }
      for (const bool previous : {false, true}) {
        if (previous && restarts == 0) {
          continue; // the API answers 400 when there is no previous container
        }
        tasks.emplace_back([&, ns = pod.meta.namespace_, name = pod.meta.name, container = c->name, previous] {
          std::string query = fmt::format("container={}&tailLines={}&limitBytes={}", container, o.max_log_lines, o.max_log_bytes);
          if (previous) {
            query += "&previous=true";
          }
          if (o.since) {
            query += fmt::format("&sinceSeconds={}", o.since->count());
          }
          const std::string path = fmt::format("/api/v1/namespaces/{}/pods/{}/log?{}", ns, name, query);
          const HttpResponse r = context.get(path);
          const std::string file = fmt::format("{}/{}/{}/{}{}", paths::k_pod_logs, ns, name, container, previous ? "-previous" : "");
          if (!r.ok()) {
            ++failed;
            context.put_text(file + "-logs-errors.log", r.describe() + "\n");
            context.record_coverage(fmt::format("logs/{}/{}/{}{}", ns, name, container, previous ? "-previous" : ""),
                                    r.status == 403 ? "forbidden" : "failed", r.describe());
            return;
          }
          std::string body = r.body;
          // The server honours limitBytes, but a proxy in between might not: keep the cap ours.
          if (static_cast<std::int64_t>(body.size()) > o.max_log_bytes) {
            body.erase(0, body.size() - static_cast<std::size_t>(o.max_log_bytes));
          }
          bytes += body.size();
          ++files;
          context.put_text(file + ".log", body);
        });
      }
    }
  }
  const std::size_t planned = tasks.size();
  context.run_parallel(std::move(tasks));
  if (planned == 0) {
    context.record_coverage("logs", "absent", "no coderd, provisioner or workspace-proxy pod was found");
  } else if (failed.load() > 0) {
    context.record_coverage("logs", files.load() > 0 ? "partial" : "failed",
                            fmt::format("{} of {} container logs could not be read", failed.load(), planned));
  } else {
    context.record_coverage("logs", "collected", "");
  }
  return fmt::format("{} logs, {} KiB", files.load(), bytes.load() / 1024);
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "pod-logs",
  .description = "Logs of coderd, provisioner and workspace-proxy containers (current and previous), bounded by "
                 "lines and bytes.",
  .phase = 2,
  .order = 0,
  .outputs = {"cluster-resources/pods/logs/<namespace>/<pod>/<container>[-previous].log"},
  .run = &run,
});
