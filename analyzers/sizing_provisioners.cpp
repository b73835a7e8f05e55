// Compares provisioner capacity with the reference. The tiers size one daemon per concurrent
// build at the tier's limit (60 per 1,000 users in the current edition); for a deployment below
// the limit the expectation is scaled by its user count, and builds actually seen in flight are
// the floor.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

#include <cmath>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {no_user_count("provisioner capacity")};
  }
  const TierSpec& t = *basis->spec;
  const ProvisionerCapacity cap = provisioner_capacity(snapshot);
  const std::optional<int> total = cap.total();
  if (!total) {
    return {finding(Outcome::unknown, "the number of built-in provisioner daemons is unknown (CODER_PROVISIONER_DAEMONS "
                                      "unseen)",
                    {}, setting_evidence(cap.setting))};
  }
  const int users = basis->users.value_or(t.users);
  const int expected = static_cast<int>(std::ceil(static_cast<double>(users) * t.provisioners / t.users));
  std::optional<int> in_flight;
  std::vector<Evidence> evidence = basis->evidence;
  if (const CoderDocument* stats = snapshot.coder_data.find("stats")) {
    const Json& ws = json_at(stats->json, "workspaces");
    if (json_at(ws, "building").is_number()) {
      in_flight = static_cast<int>(json_int(ws, "building") + json_int(ws, "pending"));
      evidence.push_back(Evidence{stats->path, "/workspaces", fmt::format("building + pending = {}", *in_flight)});
    }
  }
  const std::string rule = fmt::format("the tier's {} daemons for {} users scaled to {} users gives {}", t.provisioners,
                                       t.users, users, expected);
  const std::string have = cap.describe();
  const std::string head = describe_basis(*basis);
  if (*total >= expected) {
    return {finding(Outcome::pass, fmt::format("{}: {} cover the reference ({})", head, have, rule), {}, std::move(evidence))};
  }
  if (in_flight && *total >= *in_flight) {
    return {finding(Outcome::info,
                    fmt::format("{}: {} are fewer than the reference ({}), but cover the {} build(s) in flight when the data "
                                "was collected; size for your peak builds",
                                head, have, rule, *in_flight),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::warn,
                  fmt::format("{}: only {} where the reference asks for {} ({}){}", head, have, expected, rule,
                              in_flight ? fmt::format("; {} build(s) were in flight", *in_flight) : std::string()),
                  {}, std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "sizing-provisioners",
  .area = "sizing",
  .title = "Provisioners are sized for the tier",
  .description = "Compares the daemon count with the tier's (one per concurrent build at the tier's limit, scaled by "
                 "the user count); below it but covering the builds in flight is info, below both is warn.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Run external provisioner replicas (1 vCPU / 1 GB each, one build each) for your peak concurrent "
                 "builds, up to the tier's figure.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
