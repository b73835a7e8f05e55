// Checks the first path the validated architecture requires: workspace agents connect out to
// coderd (its Service, and through it the pods' HTTP port) for the control connection, DERP and
// logs. A default-deny egress policy in the workspace namespace that forgets coderd leaves every
// workspace "connecting" forever.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const NetworkView view(snapshot);
  const Target workspaces = view.role_pods({CoderRole::workspace}, "workspaces");
  if (workspaces.endpoints.empty()) {
    return {finding(Outcome::unknown, "no workspace pods or workspace templates were found, so their path to coderd "
                                      "could not be checked")};
  }
  if (const Service* service = view.coderd_service()) {
    const Target to = view.service_target(*service);
    return path_findings(view, PathSpec{"workspace pod", &workspaces, &to, fmt::format("coderd ({})", to.description),
                                        {Requirement{*view.coderd_service_port(*service), Outcome::fail}}, {}});
  }
  // No Service: agents can only use the pods' addresses.
  const Target to = view.role_pods({CoderRole::coderd}, "coderd pods");
  findings = path_findings(view, PathSpec{"workspace pod", &workspaces, &to, "the coderd pods",
                                          {Requirement{PortQuery{Protocol::tcp, k_coderd_http_port}, Outcome::fail}},
                                          {}});
  findings.push_back(finding(Outcome::info, "no Service selecting the coderd pods with a port to their http "
                                            "listener was found; checked the pods' port 8080 directly"));
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-workspaces-to-coderd",
  .area = "network",
  .title = "Workspaces can reach coderd",
  .description = "Evaluates the NetworkPolicies between every workspace pod (or stopped workspace's template) and "
                 "coderd's Service port and the pods' HTTP port behind it: the source's egress and coderd's "
                 "ingress must both allow it.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow egress from the workspace namespace to the coderd pods on TCP 8080 (and to the Service's "
                 "port), and ingress to coderd from the workspace namespace; the finding gives the exact rule.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
