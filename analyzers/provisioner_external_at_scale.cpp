// Checks that deployments of 2,000 users or more use external provisioners. The reference
// architectures size provisioners as their own pods from the 2k tier up ("do not run provisioners
// on coderd nodes at this scale"); built-in daemons compete with the API for coderd's CPU.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {no_user_count("the need for external provisioners")};
  }
  const ProvisionerCapacity cap = provisioner_capacity(snapshot);
  if (!cap.external_seen()) {
    return {finding(Outcome::unknown,
                    fmt::format("{}: whether external provisioners run is unknown (no coderd or provisioner pods or "
                                "Deployments in the input)",
                                describe_basis(*basis)),
                    {}, basis->evidence)};
  }
  const int external = *cap.external_seen();
  if (basis->tier == "1k") {
    return {finding(Outcome::pass,
                    fmt::format("{}: built-in provisioners are acceptable at this size; {} external provisioner(s) seen",
                                describe_basis(*basis), external),
                    {}, basis->evidence)};
  }
  if (external == 0) {
    std::vector<Evidence> evidence = basis->evidence;
    for (Evidence& e : setting_evidence(cap.setting)) {
      evidence.push_back(std::move(e));
    }
    return {finding(Outcome::warn,
                    fmt::format("{}: no external provisioner was found, so every build runs inside coderd; the "
                                "reference architectures run provisioners as their own pods at this scale",
                                describe_basis(*basis)),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::pass, fmt::format("{}: {} external provisioner(s) run", describe_basis(*basis), external), {},
                  basis->evidence)};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "provisioner-external-at-scale",
  .area = "provisioners",
  .title = "External provisioners run at 2,000 users and more",
  .description = "From the 2k tier up (user count from metrics, entitlements, the users list or --config), warns "
                 "when no external provisioner daemon exists.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Deploy the `coder-provisioner` Helm chart (one daemon per pod, 1 vCPU / 1 GB each) on its own "
                 "node group, then set `CODER_PROVISIONER_DAEMONS=0` on coderd.",
  .doc_url = "https://coder.com/docs/admin/provisioners",
  .run = &analyze,
});
