#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cva {

class Snapshot;

// The two editions of Coder's reference architectures, whose numbers differ (see
// reference/coder-cva.md section 2). Findings name the edition they applied.
enum class Edition
{
  current,  // 1k/2k/3k/10k-users pages with per-component vCPU/memory/replica tables
  previous, // 1k/2k/3k pages with node tables and per-cloud instance types (no 10k page)
};

std::string_view to_string(Edition edition);
std::optional<Edition> parse_edition(std::string_view text);
// One line naming the edition and its source, for findings.
std::string_view edition_description(Edition edition);

// The reference numbers of one tier in one edition. Zero means the edition gives no figure.
struct TierSpec
{
  std::string_view name; // 1k, 2k, 3k, 10k
  int users = 0;
  int running_workspaces = 0;
  int concurrent_builds = 0;
  double coderd_cpu = 0;
  double coderd_memory_gib = 0;
  int coderd_replicas = 0;
  double provisioner_cpu = 0;
  double provisioner_memory_gib = 0;
  int provisioners = 0;
  double db_cpu = 0;
  double db_memory_gib = 0;
  std::string_view db_storage;
  Edition edition = Edition::current;
};

// True for 1k, 2k, 3k and 10k.
bool is_tier_name(std::string_view tier);

// The smallest tier whose user limit covers `users` (10k for anything above 3,000).
std::string_view tier_for_users(int users);

// The spec of `tier` in `edition`. The previous edition has no 10k page: then the current
// edition's spec is returned (its `edition` field says so). nullptr for an unknown tier name.
const TierSpec* find_tier(std::string_view tier, Edition edition);

// A user count seen in Coder's own data, with where it was read.
struct UserCount
{
  int users = 0;
  std::string source; // "metric coderd_api_total_user_count{status=\"active\"}", ...
  std::string path;
  std::string pointer;
};

// The deployment's user count from Coder's data, best first: active users from the Prometheus
// metrics (`coderd_api_total_user_count{status="active"}`, `coderd_license_active_users`), the
// license's `user_limit.actual` (entitlements), then the `count` of the users list. nullopt
// when none of them was collected.
std::optional<UserCount> observed_user_count(const Snapshot& snapshot);

} // namespace cva
