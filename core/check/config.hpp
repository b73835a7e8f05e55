#pragma once

#include <core/check/runner.hpp>
#include <core/util/result.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// The user's tuning of a run, from `--config FILE` (YAML):
//
//   users: 2140              # the user count, when Coder's data does not show it
//   tier: 2k                 # or the tier outright: 1k, 2k, 3k, 10k
//   reference: current       # which edition of the reference numbers: current or previous
//   disable: [support-links] # checks not to run
//   severity:                # the outcome of a check's violations: info, warn or fail
//     image-tags: fail
//   exempt:                  # findings about these objects become info
//     - checks: [workspace-host-volumes]   # omitted: every check
//       kind: Pod                          # optional
//       namespace: coder-workspaces        # `*` and `?` wildcards
//       name: "coder-legacy-*"
//       reason: migrating to CSI volumes (PLAT-123)
struct Config
{
  std::optional<int> users;
  std::optional<std::string> tier;
  std::optional<Edition> edition;
  std::vector<std::string> disable;
  std::map<std::string, Outcome, std::less<>> severity;
  std::vector<Exemption> exemptions;
};

// Parses config `text`; `what` (the file name) starts every error. Unknown keys, unknown check
// ids, bad severities or tiers and exemptions that select nothing are errors naming the key.
Result<Config> parse_config(std::string_view text, std::string_view what);

// Reads and parses the config file at `path`.
Result<Config> load_config(const std::filesystem::path& path);

// Merges `config` into `options`: disabled checks are skipped, severities and exemptions added,
// users, tier and edition set.
void apply_config(const Config& config, RunOptions& options);

} // namespace cva
