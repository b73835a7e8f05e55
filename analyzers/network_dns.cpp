// Checks that coderd, provisioners, workspace proxies and workspaces can resolve names: UDP 53
// (and TCP 53, for large answers) to kube-dns. A default-deny egress policy that forgets DNS
// breaks every outbound connection by name, including the agent's connection to the access URL.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

const Service* kube_dns(const Snapshot& snapshot)
{
  const Service* labelled = nullptr;
  for (const Service& s : snapshot.services) {
    if (s.meta.namespace_ == "kube-system" && s.meta.name == "kube-dns") {
      return &s;
    }
    const auto it = s.meta.labels.find("k8s-app");
    if (labelled == nullptr && it != s.meta.labels.end() && it->second == "kube-dns") {
      labelled = &s;
    }
  }
  return labelled;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const NetworkView view(snapshot);
  const Service* dns = kube_dns(snapshot);
  Target to;
  std::vector<Requirement> requirements;
  if (dns != nullptr) {
    to = view.service_target(*dns);
    for (const ServicePort& sp : dns->ports) {
      const auto protocol = parse_protocol(sp.protocol).value_or(Protocol::tcp);
      if (sp.port == 53 && (protocol == Protocol::udp || protocol == Protocol::tcp)) {
        requirements.push_back(
          Requirement{PortQuery{protocol, 53}, protocol == Protocol::udp ? Outcome::fail : Outcome::warn});
      }
    }
  } else {
    to.description = "kube-dns pods";
    for (const Endpoint& e : view.engine().endpoints()) {
      const auto it = e.labels->find("k8s-app");
      if (e.namespace_ == "kube-system" && it != e.labels->end() && it->second == "kube-dns") {
        to.endpoints.push_back(e);
      }
    }
    requirements = {Requirement{PortQuery{Protocol::udp, 53}, Outcome::fail},
                    Requirement{PortQuery{Protocol::tcp, 53}, Outcome::warn}};
  }
  if (requirements.empty() || (dns == nullptr && to.endpoints.empty())) {
    return {finding(Outcome::unknown, "neither the kube-dns Service nor kube-dns pods (k8s-app=kube-dns in "
                                      "kube-system) with port 53 were found, so DNS paths could not be checked")};
  }
  std::vector<Finding> findings;
  bool any = false;
  for (const auto& [role, noun] : {std::pair{CoderRole::coderd, "coderd pod"},
                                   std::pair{CoderRole::provisioner, "provisioner pod"},
                                   std::pair{CoderRole::workspace_proxy, "workspace proxy pod"},
                                   std::pair{CoderRole::workspace, "workspace pod"}}) {
    const Target from = view.role_pods({role}, noun);
    if (from.endpoints.empty()) {
      continue;
    }
    any = true;
    auto more = path_findings(view, PathSpec{noun, &from, &to, fmt::format("DNS ({})", to.description), requirements, {}});
    findings.insert(findings.end(), more.begin(), more.end());
  }
  if (!any) {
    return {finding(Outcome::unknown, "no coderd, provisioner, workspace proxy or workspace pods were found, so DNS "
                                      "paths could not be checked")};
  }
  for (const Endpoint& e : view.engine().endpoints()) {
    const auto it = e.labels->find("k8s-app");
    if (it != e.labels->end() && it->second == "node-local-dns") {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("NodeLocal DNSCache runs ({}): pods may send DNS to 169.254.20.10 on "
                                             "their node rather than to kube-dns, so egress policies should allow "
                                             "that address on UDP and TCP 53 as well",
                                             e.describe()),
                                 {ref(*e.object)}));
      break;
    }
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-dns",
  .area = "network",
  .title = "coderd, provisioners and workspaces can reach DNS",
  .description = "Evaluates the NetworkPolicies between coderd, provisioner, workspace proxy and workspace pods and "
                 "kube-dns: UDP 53 must be allowed (fail), TCP 53 should be (warn: large answers fall back to it).",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow egress to the kube-dns pods (namespaceSelector kubernetes.io/metadata.name=kube-system, "
                 "podSelector k8s-app=kube-dns) on UDP and TCP 53 in every policy that isolates Coder's pods for "
                 "egress.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
