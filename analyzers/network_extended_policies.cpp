// Reports policies beyond networking.k8s.io/v1 (Cilium, Calico, Antrea, AdminNetworkPolicy).
// They can deny what a NetworkPolicy allows and allow what it denies, and the engine evaluates
// only NetworkPolicy, so the network path checks mark the paths these objects could touch
// `unknown` rather than `pass`.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/enforcement.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace {

using namespace cva;
using namespace cva::netpol;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const EnforcementReport enforcement = detect_enforcement(snapshot);
  const ExtendedPolicies extended = find_extended_policies(snapshot, enforcement);
  std::vector<Finding> findings;
  if (!extended.objects.empty()) {
    std::map<std::string, std::vector<std::string>> by_kind;
    std::vector<Evidence> evidence;
    for (const ExtendedObject& o : extended.objects) {
      by_kind[std::string(o.kind->kind)].push_back(o.namespace_.empty() ? o.name : o.namespace_ + "/" + o.name);
      if (evidence.size() < 10) {
        evidence.push_back(Evidence{o.path, {}, o.namespace_.empty() ? o.name : o.namespace_ + "/" + o.name});
      }
    }
    std::vector<std::string> parts;
    for (const auto& [kind, names] : by_kind) {
      const std::size_t shown = std::min<std::size_t>(names.size(), 5);
      parts.push_back(fmt::format("{} {} ({}{})", names.size(), kind,
                                  fmt::join(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                                  names.size() > shown ? ", ..." : ""));
    }
    findings.push_back(finding(
      Outcome::info,
      fmt::format("{}: only networking.k8s.io/v1 NetworkPolicies are evaluated, so network paths {} are reported "
                  "unknown rather than pass",
                  fmt::join(parts, "; "),
                  extended.cluster_wide ? std::string("anywhere in the cluster")
                                        : fmt::format("to and from namespaces {}", fmt::join(extended.namespaces, ", "))),
      {}, std::move(evidence)));
  }
  for (const std::string& unseen : extended.unseen) {
    findings.push_back(finding(Outcome::unknown,
                               unseen + ": network paths are reported unknown rather than pass, since those objects "
                                        "could change any of them"));
  }
  if (!findings.empty()) {
    return findings;
  }
  if (!extended.absence_known) {
    return {finding(Outcome::unknown, fmt::format("whether Cilium, Calico, Antrea or AdminNetworkPolicy objects exist "
                                                  "is unknown: {}",
                                                  extended.absence_reason))};
  }
  return {finding(Outcome::pass, "no Cilium, Calico, Antrea or AdminNetworkPolicy object applies: every collected "
                                 "kind is empty, its CRD is not installed, or no agent that applies it runs")};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-extended-policies",
  .area = "network",
  .title = "No Cilium, Calico or AdminNetworkPolicy objects override NetworkPolicy",
  .description = "Lists CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, Calico (Global)NetworkPolicy, Antrea "
                 "and (Baseline)AdminNetworkPolicy objects, which can change what NetworkPolicies allow; reports "
                 "unknown when an agent that applies them runs but they were not collected.",
  .severity = Outcome::info,
  .inputs = {},
  .remediation = "Review the listed objects against the paths Coder needs (workspaces to coderd, coderd to "
                 "PostgreSQL, DNS, ingress to coderd); `kubectl coder-cva netpol` evaluates only "
                 "networking.k8s.io/v1 policies.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
