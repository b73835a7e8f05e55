// Checks that coderd serves Prometheus metrics. The validated architecture's operational
// readiness asks for CODER_PROMETHEUS_ENABLE and alerts on its metrics; without them, latency,
// provisioner queues and license use are invisible until users complain.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace {

using namespace cva;

// The first metrics collected from coderd: the support bundle's deployment/prometheus.txt, or a
// scraped pod that is not an external provisioner (collect scrapes those too).
const std::pair<const std::string, std::string>* coderd_metrics(const Snapshot& snapshot)
{
  for (const auto& entry : snapshot.coder_data.metrics) {
    const std::string& path = entry.first;
    const std::string stem = path.substr(path.rfind('/') + 1, path.rfind('.') - path.rfind('/') - 1);
    const bool provisioner = path.ends_with(".prom") &&
                             std::any_of(snapshot.coder.provisioners.begin(), snapshot.coder.provisioners.end(),
                                         [&](const Pod* p) { return p->meta.name == stem; });
    if (!provisioner) {
      return &entry;
    }
  }
  return nullptr;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ServerSetting s = server_setting(snapshot, "CODER_PROMETHEUS_ENABLE");
  std::vector<Evidence> evidence = setting_evidence(s);
  const auto* metrics = coderd_metrics(snapshot);
  if (s.sources.empty() && metrics == nullptr) {
    std::vector<Finding> missing = missing_coderd(snapshot);
    if (!missing.empty()) {
      return missing;
    }
  }
  if (s.is_set() && s.value && coder_true(*s.value)) {
    return {finding(Outcome::pass, "CODER_PROMETHEUS_ENABLE is true: coderd serves metrics (on CODER_PROMETHEUS_ADDRESS, "
                                   "port 2112 in the chart)",
                    {}, std::move(evidence))};
  }
  if (metrics != nullptr) {
    const auto& [path, text] = *metrics;
    return {finding(Outcome::pass, "coderd metrics were collected, so the Prometheus endpoint is on", {},
                    {Evidence{path, "", excerpt(text, 80)}})};
  }
  if (s.state == ServerSetting::State::unknown || (s.is_set() && !s.value)) {
    return {finding(Outcome::unknown,
                    fmt::format("CODER_PROMETHEUS_ENABLE cannot be read: {}",
                                s.why_unknown.empty() ? "its value comes from a source not collected" : s.why_unknown),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::warn,
                  fmt::format("the Prometheus endpoint is off (CODER_PROMETHEUS_ENABLE {})",
                              s.is_set() ? "=" + s.value.value_or("") : std::string("not set; default false")),
                  {}, std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "prometheus-enabled",
  .area = "observability",
  .title = "coderd's Prometheus endpoint is on",
  .description = "Warns when CODER_PROMETHEUS_ENABLE is not true (coderd env and envFrom, or the support bundle's "
                 "config) and no coderd metrics were collected.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Set `CODER_PROMETHEUS_ENABLE: \"true\"` as a literal in `coder.env` (the chart then declares port "
                 "2112), plus CODER_PROMETHEUS_COLLECT_AGENT_STATS and CODER_PROMETHEUS_COLLECT_DB_METRICS.",
  .doc_url = "https://coder.com/docs/admin/integrations/prometheus",
  .run = &analyze,
});
