// Flags NetworkPolicies that nothing enforces. The network plugin, not the API server, applies
// NetworkPolicy: with flannel alone, kubenet, or the AWS VPC CNI without its network policy agent,
// every policy is accepted and ignored, so the isolation the cluster's owners think they have does
// not exist (and every blocked path opens the day enforcement is turned on).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/enforcement.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const EnforcementReport report = detect_enforcement(snapshot);
  const std::size_t policies = snapshot.network_policies.size();
  std::vector<ObjectRef> refs;
  std::vector<Evidence> evidence;
  for (const PolicyAgent& a : report.agents) {
    refs.push_back(ref(*a.object));
    evidence.push_back(evidence_at(*a.object, a.pointer, a.value));
  }
  if (policies == 0) {
    return {finding(Outcome::pass,
                    fmt::format("the input has no NetworkPolicy, so nothing depends on enforcement ({})",
                                report.summary),
                    std::move(refs), std::move(evidence))};
  }
  switch (report.enforcement) {
    case Enforcement::enforced:
      return {finding(Outcome::pass, fmt::format("{} NetworkPolicy object(s): {}", policies, report.summary),
                      std::move(refs), std::move(evidence))};
    case Enforcement::not_enforced:
      return {finding(Outcome::warn,
                      fmt::format("{} NetworkPolicy object(s) exist but have no effect. {}: every pod can reach "
                                  "every other regardless of them",
                                  policies, report.summary),
                      std::move(refs), std::move(evidence))};
    case Enforcement::unknown:
      break;
  }
  return {finding(Outcome::unknown,
                  fmt::format("{} NetworkPolicy object(s) exist, but whether the network plugin enforces them is "
                              "unknown: {}",
                              policies, report.summary),
                  std::move(refs), std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-policy-enforcement",
  .area = "network",
  .title = "The network plugin enforces NetworkPolicy",
  .description = "Judges from the DaemonSets (flannel, kubenet-style plugins, the AWS VPC CNI with or without its "
                 "network policy agent, Calico, Cilium, Antrea, Weave Net, kube-router, GKE Dataplane V2, Azure NPM) "
                 "and AKS's node labels whether NetworkPolicies are enforced, and warns when policies exist but "
                 "nothing enforces them.",
  .severity = Outcome::warn,
  .inputs = {"networkpolicies"},
  .remediation = "Turn on policy enforcement: on EKS set `enableNetworkPolicy: \"true\"` in the vpc-cni add-on "
                 "configuration, on GKE enable network policy or Dataplane V2, on AKS choose a network policy "
                 "engine; elsewhere install Calico or Cilium. Test the Coder paths first: blocked paths open once "
                 "enforcement is on.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
