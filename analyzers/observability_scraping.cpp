// Checks that something scrapes coderd: the coder-observability bundle (Prometheus, Grafana
// dashboards and Coder's alert rules) installed, and coderd annotated for it (or selected by a
// ServiceMonitor/PodMonitor). The bundle finds Coder only through `prometheus.io/scrape` and
// `prometheus.io/port: 2112` pod annotations.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::string observability_bundle(const Snapshot& snapshot)
{
  for (const Pod& p : snapshot.pods) {
    const auto it = p.meta.labels.find("app.kubernetes.io/instance");
    if ((it != p.meta.labels.end() && it->second == "coder-observability") || p.meta.namespace_ == "coder-observability") {
      return describe(p);
    }
  }
  for (const ConfigMap& cm : snapshot.config_maps) {
    if (cm.meta.name == "coder-metrics-alerts") {
      return describe(cm);
    }
  }
  return {};
}

std::vector<std::string> monitors(const Snapshot& snapshot)
{
  std::vector<std::string> out;
  for (const std::string_view kind : {"servicemonitors.monitoring.coreos.com", "podmonitors.monitoring.coreos.com"}) {
    for (const ResourceData& d : snapshot.store().all()) {
      if (d.type.qualified_name() != kind) {
        continue;
      }
      for (const StoredObject& so : d.objects) {
        const std::string text = json_at(*so.object, "spec").dump();
        if (text.find("\"coder\"") != std::string::npos || text.find("coderd") != std::string::npos) {
          out.push_back(fmt::format("{} {}/{}", json_string(*so.object, "kind"),
                                    json_string(json_at(*so.object, "metadata"), "namespace"),
                                    json_string(json_at(*so.object, "metadata"), "name")));
        }
      }
    }
  }
  return out;
}

// The port coderd serves metrics on: CODER_PROMETHEUS_ADDRESS's when its value is visible, the
// chart's 2112 when it is not set; nullopt when it is set from somewhere this input does not show.
std::optional<std::string> metrics_port(const Snapshot& snapshot, const RoleObject& o)
{
  const Container* c = coderd_container(o.spec->containers);
  if (c == nullptr) {
    return "2112";
  }
  const auto v = effective_env(snapshot, o.object->meta.namespace_, *c, "CODER_PROMETHEUS_ADDRESS");
  if (!v) {
    return "2112";
  }
  if (v->kind != EnvValue::Kind::literal) {
    return std::nullopt;
  }
  const auto colon = v->value.rfind(':');
  return colon != std::string::npos && colon + 1 < v->value.size() ? v->value.substr(colon + 1) : std::string("2112");
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  std::vector<std::string> unannotated;
  std::vector<std::string> unconfirmed; // annotated, but the port coderd serves on is not visible
  std::vector<ObjectRef> refs;
  for (const RoleObject& o : coderd_templates(snapshot)) {
    const StringMap& a = pod_annotations(o);
    const auto scrape = a.find("prometheus.io/scrape");
    const auto port = a.find("prometheus.io/port");
    const std::optional<std::string> served = metrics_port(snapshot, o);
    const std::string wanted = served.value_or("CODER_PROMETHEUS_ADDRESS's port");
    if (scrape == a.end() || scrape->second != "true") {
      unannotated.push_back(describe(*o.object));
      refs.push_back(ref(*o.object));
    } else if (port != a.end() && !served) {
      unconfirmed.push_back(describe(*o.object));
    } else if (port == a.end() || port->second != wanted) {
      // Without the port annotation Prometheus scrapes the declared container port (8080), not the metrics.
      unannotated.push_back(fmt::format("{} (prometheus.io/port {}, metrics on {})", describe(*o.object),
                                        port == a.end() ? std::string("missing") : port->second, wanted));
      refs.push_back(ref(*o.object));
    }
  }
  const std::string bundle = observability_bundle(snapshot);
  const std::vector<std::string> mons = monitors(snapshot);
  if (unannotated.empty() && !unconfirmed.empty() && mons.empty()) {
    return {finding(Outcome::unknown,
                    fmt::format("{} carry the scrape annotations, but CODER_PROMETHEUS_ADDRESS comes from a source this "
                                "input does not show, so whether their prometheus.io/port is where coderd serves metrics "
                                "cannot be confirmed",
                                fmt::join(unconfirmed, ", ")))};
  }
  const bool scraped = unannotated.empty() || !mons.empty();
  if (!bundle.empty() && scraped) {
    return {finding(Outcome::pass, fmt::format("the coder-observability bundle runs ({}) and coderd is {}", bundle,
                                               unannotated.empty() ? "annotated for scraping"
                                                                   : fmt::format("selected by {}", fmt::join(mons, ", "))))};
  }
  if (!bundle.empty()) {
    return {finding(Outcome::warn,
                    fmt::format("the coder-observability bundle runs ({}) but {} lack the prometheus.io/scrape: \"true\" "
                                "and prometheus.io/port (\"2112\" with the chart) pod annotations it scrapes by",
                                bundle, fmt::join(unannotated, ", ")),
                    std::move(refs))};
  }
  if (scraped) {
    return {finding(Outcome::info, fmt::format("coderd is {}, but the coder-observability bundle (Coder's dashboards and "
                                               "alert rules) is not installed",
                                               unannotated.empty() ? "annotated for scraping"
                                                                   : fmt::format("selected by {}", fmt::join(mons, ", "))))};
  }
  return {finding(Outcome::warn,
                  fmt::format("no observability bundle runs in the cluster and {} carry no scrape annotations: nothing "
                              "collects Coder's metrics",
                              fmt::join(unannotated, ", ")),
                  std::move(refs))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "observability-scraping",
  .area = "observability",
  .title = "Coder's metrics are scraped by the observability bundle",
  .description = "Looks for the coder-observability bundle (pods labelled app.kubernetes.io/instance="
                 "coder-observability, ConfigMap coder-metrics-alerts) and for coderd's prometheus.io/scrape and "
                 "prometheus.io/port (the metrics port) annotations or a ServiceMonitor/PodMonitor.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Install the coder-observability Helm chart (`helm upgrade --install coder-observability "
                 "coder-observability/coder-observability -n coder-observability --create-namespace`) and set "
                 "`coder.podAnnotations` `prometheus.io/scrape: \"true\"`, `prometheus.io/port: \"2112\"`.",
  .doc_url = "https://coder.com/docs/admin/integrations/prometheus",
  .run = &analyze,
});
