// Checks that coderd replicas can reach each other on their pod addresses: in high availability
// each replica relays DERP traffic to the others at CODER_DERP_SERVER_RELAY_URL
// (http://$(KUBE_POD_IP):8080), so workspace connections through one replica fail when it cannot
// reach another.
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
  int replicas = static_cast<int>(snapshot.coder.coderd.size());
  for (const Workload* w : snapshot.coder.coderd_workloads) {
    if (w->kind != "ReplicaSet") {
      replicas = std::max(replicas, w->desired_replicas());
    }
  }
  if (replicas < 2) {
    return {finding(Outcome::info, "coderd runs a single replica, so there is no relay between replicas to check")};
  }
  const NetworkView view(snapshot);
  const Target coderd = view.role_pods({CoderRole::coderd}, "coderd pods");
  return path_findings(view, PathSpec{"coderd pod", &coderd, &coderd, "the other coderd replicas (pod addresses)",
                                      {Requirement{PortQuery{Protocol::tcp, k_coderd_http_port}, Outcome::fail}}, {}});
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-coderd-relay",
  .area = "network",
  .title = "coderd replicas can reach each other",
  .description = "With two or more coderd replicas, evaluates the NetworkPolicies between the coderd pods on TCP "
                 "8080, the port of the DERP relay URL each replica advertises on its pod address.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow ingress to the coderd pods on TCP 8080 from the coderd pods themselves (a podSelector rule "
                 "in coderd's namespace), and egress to them if coderd's egress is isolated.",
  .doc_url = "https://coder.com/docs/admin/networking/high-availability",
  .run = &analyze,
});
