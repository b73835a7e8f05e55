// Reports the interfaces report of a Coder support bundle (network/interfaces.json, EIF01): a small
// MTU on the machine that ran `coder support bundle` fragments tunnelled packets and stalls
// connections to workspaces from that machine.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

constexpr std::int64_t k_min_mtu = 1378;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const CoderDocument* doc = snapshot.coder_data.find("interfaces");
  if (doc == nullptr) {
    return {finding(Outcome::unknown, "no interfaces report in the input")};
  }
  // The report has the health sections' shape: reuse their parser through a one-section report.
  const Json wrapped = {{"access_url", doc->json}};
  const HealthReport report = parse_health_report(wrapped, doc->path, Json());
  const HealthSection& s = *report.section("access_url");
  if (!json_at(doc->json, "interfaces").is_array() && s.severity.empty() && s.codes().empty()) {
    return {finding(Outcome::unknown, fmt::format("the interfaces report ({}) lists no interfaces and no severity", doc->path),
                    {}, {Evidence{doc->path, "", excerpt(doc->json.dump(), 80)}})};
  }
  std::vector<std::string> small;
  for (const Json& i : json_array(doc->json, "interfaces")) {
    const std::int64_t mtu = json_int(i, "mtu");
    if (mtu > 0 && mtu < k_min_mtu) {
      small.push_back(fmt::format("{} (MTU {})", json_string(i, "name"), mtu));
    }
  }
  const Evidence ev{doc->path, "/severity", s.severity.empty() ? "(none)" : s.severity};
  if (s.dismissed) {
    return {finding(Outcome::info, fmt::format("the interfaces check is dismissed; underneath it reports {}", s.severity),
                    {}, {ev})};
  }
  std::vector<Finding> findings;
  for (const std::string& code : s.codes()) {
    findings.push_back(finding(s.severity == "error" ? Outcome::fail : Outcome::warn,
                               fmt::format("network interfaces of the machine that ran `coder support bundle`: {}; {}",
                                           describe_health_code(code), health_code_url(code)),
                               {}, {ev}));
  }
  if (findings.empty() && !small.empty()) {
    findings.push_back(finding(Outcome::warn, fmt::format("interfaces with an MTU below {}: {}", k_min_mtu, fmt::join(small, ", ")),
                               {}, {Evidence{doc->path, "/interfaces", fmt::format("{}", fmt::join(small, ", "))}}));
  }
  if (findings.empty()) {
    findings.push_back(finding(s.severity == "ok" || s.severity.empty() ? Outcome::pass : Outcome::warn,
                               fmt::format("interfaces report: {}, no interface with a small MTU",
                                           s.severity.empty() ? "no severity" : s.severity),
                               {}, {ev}));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-network-interfaces",
  .area = "health",
  .title = "Coder's health check: network interfaces (MTU)",
  .description = "Surfaces the support bundle's interfaces report (EIF01, interfaces with an MTU below 1378) for the "
                 "machine that collected it.",
  .severity = Outcome::warn,
  .inputs = {"coder/interfaces"},
  .remediation = "Raise the MTU of the interface (VPN and tunnel interfaces often need 1378 or more), or connect "
                 "from a network without the extra encapsulation.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
