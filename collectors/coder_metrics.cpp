// Prometheus metrics straight from each coderd and provisioner pod's port 2112, through the API
// server's pod proxy, when the endpoint is enabled (a container port 2112 or
// CODER_PROMETHEUS_ENABLE=true).
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/model/coder_settings.hpp>
#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <atomic>

namespace {

using namespace cva;

bool metrics_enabled(const Snapshot& cluster, const Pod& pod)
{
  for (const Container& c : pod.spec.containers) {
    for (const ContainerPort& p : c.ports) {
      if (p.port == 2112) {
        return true;
      }
    }
    if (const auto v = effective_env(cluster, pod.meta.namespace_, c, "CODER_PROMETHEUS_ENABLE");
        v && v->kind == EnvValue::Kind::literal && coder_true(v->value)) {
      return true;
    }
  }
  return false;
}

std::string run(CollectContext& context)
{
  const Snapshot* cluster = context.cluster();
  if (cluster == nullptr) {
    return "no cluster state";
  }
  std::atomic<int> scraped{0};
  std::atomic<int> failed{0};
  int disabled = 0;
  std::vector<std::function<void()>> tasks;
  for (const Pod& pod : cluster->pods) {
    if (pod.role != CoderRole::coderd && pod.role != CoderRole::provisioner) {
      continue;
    }
    if (!metrics_enabled(*cluster, pod) || pod.phase != "Running") {
      ++disabled;
      continue;
    }
    tasks.emplace_back([&, ns = pod.meta.namespace_, name = pod.meta.name] {
      const std::string path = fmt::format("/api/v1/namespaces/{}/pods/{}:2112/proxy/metrics", ns, name);
      const HttpResponse r = context.get(path);
      if (!r.ok()) {
        ++failed;
        context.record_coverage(fmt::format("coder/metrics/{}/{}", ns, name), r.status == 403 ? "forbidden" : "failed", r.describe());
        return;
      }
      context.put_text(fmt::format("{}/{}.prom", paths::k_coder_metrics, name), r.body);
      ++scraped;
    });
  }
  context.run_parallel(std::move(tasks));
  if (scraped.load() == 0) {
    context.record_coverage("coder/metrics", failed.load() > 0 ? "failed" : "absent",
                            failed.load() > 0 ? "no metrics endpoint could be scraped"
                                              : "Prometheus is not enabled on coderd or provisioners (no port 2112, "
                                                "CODER_PROMETHEUS_ENABLE not true)");
  }
  return fmt::format("{} pod(s) scraped{}", scraped.load(),
                     disabled > 0 ? fmt::format(", {} without a metrics endpoint", disabled) : std::string());
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "coder-metrics",
  .description = "Prometheus text from each coderd and provisioner pod's port 2112 through the pod proxy.",
  .phase = 2,
  .order = 2,
  .outputs = {"coder/metrics/<pod>.prom"},
  .run = &run,
});
