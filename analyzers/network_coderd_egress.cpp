// Checks that coderd can reach git hosts and package registries on the internet (TCP 443, and
// TCP 22 for git over SSH): template builds, external auth and the built-in provisioners fetch
// from them.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

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
  const Target coderd = view.role_pods({CoderRole::coderd}, "coderd");
  Target internet;
  internet.kind = Target::Kind::addresses;
  internet.addresses = public_internet();
  internet.description = "the internet";
  return path_findings(view, PathSpec{"coderd pod", &coderd, &internet, "git and package hosts on the internet",
                                      {Requirement{PortQuery{Protocol::tcp, 443}, Outcome::fail},
                                       Requirement{PortQuery{Protocol::tcp, 22}, Outcome::warn}},
                                      "public addresses"});
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-coderd-egress",
  .area = "network",
  .title = "coderd can reach git and package hosts",
  .description = "Evaluates coderd's egress to every public IPv4 address on TCP 443 (fail when blocked) and TCP 22 "
                 "(git over SSH, warn when blocked); an allow-list of some ranges is reported as unknown, since the "
                 "hosts in use cannot be resolved offline.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow egress from the coderd pods to 0.0.0.0/0 (or your git and registry hosts) on TCP 443 and 22.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
