#include "tiers.hpp"

#include <core/model/prometheus.hpp>
#include <core/model/snapshot.hpp>

#include <fmt/format.h>

namespace cva {

namespace {

// Current edition: docs/admin/infrastructure/validated-architectures/{1k,2k,3k,10k}-users.md.
constexpr TierSpec k_current[] = {
  {"1k", 1000, 600, 60, 2, 8, 3, 1, 1, 60, 8, 30, "", Edition::current},
  {"2k", 2000, 1200, 120, 4, 12, 3, 1, 1, 120, 16, 60, "", Edition::current},
  {"3k", 3000, 1800, 180, 4, 12, 4, 1, 1, 180, 32, 120, "", Edition::current},
  {"10k", 10000, 6000, 600, 4, 12, 10, 1, 1, 600, 64, 240, "", Edition::current},
};

// Previous edition: node tables (coderd nodes x 1 replica each, provisioner nodes x 30).
constexpr TierSpec k_previous[] = {
  {"1k", 1000, 0, 0, 2, 8, 1, 0, 0, 60, 2, 8, "512 GB", Edition::previous},
  {"2k", 2000, 0, 0, 4, 16, 2, 0, 0, 120, 4, 16, "1 TB", Edition::previous},
  {"3k", 3000, 0, 0, 8, 32, 4, 0, 0, 240, 8, 32, "1.5 TB", Edition::previous},
};

} // namespace

std::string_view to_string(Edition edition)
{
  return edition == Edition::current ? "current" : "previous";
}

std::optional<Edition> parse_edition(std::string_view text)
{
  if (text == "current") {
    return Edition::current;
  }
  if (text == "previous") {
    return Edition::previous;
  }
  return std::nullopt;
}

std::string_view edition_description(Edition edition)
{
  return edition == Edition::current
           ? "the current reference architectures (Coder docs, validated-architectures/{1k,2k,3k,10k}-users)"
           : "the previous edition of the reference architectures (node tables with per-cloud instance types)";
}

bool is_tier_name(std::string_view tier)
{
  return tier == "1k" || tier == "2k" || tier == "3k" || tier == "10k";
}

std::string_view tier_for_users(int users)
{
  if (users <= 1000) {
    return "1k";
  }
  if (users <= 2000) {
    return "2k";
  }
  if (users <= 3000) {
    return "3k";
  }
  return "10k";
}

const TierSpec* find_tier(std::string_view tier, Edition edition)
{
  if (edition == Edition::previous) {
    for (const TierSpec& t : k_previous) {
      if (t.name == tier) {
        return &t;
      }
    }
  }
  for (const TierSpec& t : k_current) {
    if (t.name == tier) {
      return &t;
    }
  }
  return nullptr;
}

std::optional<UserCount> observed_user_count(const Snapshot& snapshot)
{
  struct Probe
  {
    const char* metric;
    StringMap labels;
    const char* label_text;
  };
  const Probe probes[] = {
    {"coderd_api_total_user_count", {{"status", "active"}}, "{status=\"active\"}"},
    {"coderd_license_active_users", {}, ""},
  };
  for (const Probe& probe : probes) {
    for (const auto& [path, text] : snapshot.coder_data.metrics) {
      auto samples = parse_prometheus_text(text, path);
      if (!samples) {
        continue;
      }
      if (const auto v = metric_sum(*samples, probe.metric, probe.labels)) {
        return UserCount{static_cast<int>(*v), fmt::format("active users, metric {}{}", probe.metric, probe.label_text),
                         path, ""};
      }
    }
  }
  if (const CoderDocument* ent = snapshot.coder_data.find("entitlements")) {
    const Json& actual = json_path(ent->json, {"features", "user_limit", "actual"});
    if (actual.is_number()) {
      return UserCount{actual.get<int>(), "active users counted by the license (entitlements user_limit.actual)",
                       ent->path, "/features/user_limit/actual"};
    }
  }
  if (const CoderDocument* users = snapshot.coder_data.find("users")) {
    const Json& count = json_at(users->json, "count");
    if (count.is_number()) {
      return UserCount{count.get<int>(), "users listed by the API (users count)", users->path, "/count"};
    }
  }
  return std::nullopt;
}

} // namespace cva
