// Derives the reference tier (1k, 2k, 3k, 10k users) from the user count (Coder's metrics,
// entitlements or users list) or from --config, and states the limits that tier is sized for.
// The other sizing checks compare coderd, provisioners and the database against it.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {no_user_count("the reference tier")};
  }
  const TierSpec& t = *basis->spec;
  std::vector<Finding> findings;
  std::string limits = fmt::format("up to {} users", t.users);
  if (t.running_workspaces > 0) {
    limits += fmt::format(", {} running workspaces and {} concurrent builds", t.running_workspaces, t.concurrent_builds);
  }
  std::string rule = options.tier ? std::string("set in --config")
                                  : std::string("the smallest tier whose user limit covers the count");
  if (!options.tier && basis->users && t.name != "1k") {
    const int below = t.name == "2k" ? 1000 : t.name == "3k" ? 2000 : 3000;
    rule += fmt::format(": {} users is above the {}k tier's {}", *basis->users, below / 1000, below);
  }
  findings.push_back(finding(Outcome::info, fmt::format("{}: {} ({})", describe_basis(*basis), limits, rule), {},
                             basis->evidence));
  const std::optional<UserCount> observed = observed_user_count(snapshot);
  if (options.tier && observed && observed->users > t.users) {
    findings.push_back(finding(Outcome::warn,
                               fmt::format("--config sets tier {} (up to {} users) but {} users were observed ({}): the "
                                           "deployment has outgrown it",
                                           basis->tier, t.users, observed->users, observed->source),
                               {}, {Evidence{observed->path, observed->pointer, std::to_string(observed->users)}}));
  }
  if (const CoderDocument* stats = snapshot.coder_data.find("stats"); stats != nullptr && t.running_workspaces > 0) {
    const std::int64_t running = json_int(json_at(stats->json, "workspaces"), "running", -1);
    if (running > t.running_workspaces) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} workspaces are running, more than the {} tier is sized for ({})", running,
                                             basis->tier, t.running_workspaces),
                                 {}, {Evidence{stats->path, "/workspaces/running", std::to_string(running)}}));
    }
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "sizing-tier",
  .area = "sizing",
  .title = "Reference tier for the deployment's size",
  .description = "Derives the tier (1k/2k/3k/10k) from the user count or --config and names the edition of the "
                 "reference numbers applied (info); warns when observed users or running workspaces exceed the tier.",
  .severity = Outcome::info,
  .inputs = {},
  .remediation = "Size coderd, provisioners and the database for the tier that covers your users (see the sizing-* "
                 "checks); set `users:` or `tier:` in --config when the count cannot be read.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
