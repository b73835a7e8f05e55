// Checks CODER_ACCESS_URL. The Helm chart sets it to http://coder.<ns>.svc.cluster.local unless
// told otherwise: that address works only inside the cluster, so browsers, OAuth callbacks,
// workspace apps and agents outside the cluster cannot reach Coder through it.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

// True when the URL's host is a Service name (`coder.<ns>.svc`, `coder.<ns>.svc.cluster.local`).
bool in_cluster_host(std::string_view url)
{
  const std::optional<netpol::HostPort> hp = netpol::parse_host_port(url);
  if (!hp) {
    return false;
  }
  std::string_view host = hp->host;
  while (host.ends_with('.')) {
    host.remove_suffix(1);
  }
  return host.ends_with(".svc") || host.ends_with(".svc.cluster.local");
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ServerSetting s = server_setting(snapshot, "CODER_ACCESS_URL");
  std::vector<Evidence> evidence = setting_evidence(s);
  if (std::vector<Finding> missing = missing_setting(snapshot, s); !missing.empty()) {
    return missing;
  }
  if (s.state == ServerSetting::State::unset) {
    return {finding(Outcome::warn, "CODER_ACCESS_URL is not set (health code EACS01): Coder cannot tell users, agents "
                                   "and OAuth providers where it lives",
                    {}, std::move(evidence))};
  }
  if (!s.value) {
    return {finding(Outcome::unknown,
                    fmt::format("CODER_ACCESS_URL is set but its value is not in the input{}",
                                s.why_unknown.empty() ? std::string() : ": " + s.why_unknown),
                    {}, std::move(evidence))};
  }
  const std::string& url = *s.value;
  if (in_cluster_host(url)) {
    return {finding(Outcome::warn,
                    fmt::format("CODER_ACCESS_URL is {}, the Helm chart's in-cluster default: it resolves only inside the "
                                "cluster",
                                url),
                    {}, std::move(evidence))};
  }
  if (url.starts_with("http://")) {
    return {finding(Outcome::info, fmt::format("CODER_ACCESS_URL {} is plain HTTP; browsers need HTTPS for secure "
                                               "cookies and workspace apps",
                                               url),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::pass, fmt::format("CODER_ACCESS_URL is {}", url), {}, std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "access-url",
  .area = "observability",
  .title = "The access URL is an external address",
  .description = "Warns when CODER_ACCESS_URL is unset or left at the chart's in-cluster default "
                 "(`*.svc.cluster.local`); plain HTTP is info.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Set `CODER_ACCESS_URL` in `coder.env` to the HTTPS URL users reach Coder at (and "
                 "CODER_WILDCARD_ACCESS_URL for workspace apps).",
  .doc_url = "https://coder.com/docs/admin/setup",
  .run = &analyze,
});
