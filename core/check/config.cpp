#include "config.hpp"

#include <core/util/yaml.hpp>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace cva {

namespace {

Result<std::vector<std::string>> string_list(const Json& value, std::string_view what, std::string_view key)
{
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return out;
  }
  if (!value.is_array()) {
    return fail(fmt::format("{}: `{}` must be a list of check ids", what, key));
  }
  for (const Json& v : value) {
    if (!v.is_string()) {
      return fail(fmt::format("{}: `{}` must be a list of check ids", what, key));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<void> known_ids(const std::vector<std::string>& ids, std::string_view what, std::string_view key)
{
  for (const std::string& id : ids) {
    if (find_check(id) == nullptr) {
      return fail(fmt::format("{}: unknown check id '{}' in `{}` (see `kubectl coder-cva checks`)", what, id, key));
    }
  }
  return {};
}

Result<Exemption> parse_exemption(const Json& e, std::string_view what, std::size_t index)
{
  const std::string where = fmt::format("{}: exempt[{}]", what, index);
  if (!e.is_object()) {
    return fail(where + " must be a mapping");
  }
  Exemption out;
  for (const auto& [key, value] : e.items()) {
    if (key == "checks" || key == "check") {
      CVA_TRY_ASSIGN(ids, string_list(value, where, key));
      CVA_TRY(known_ids(ids, where, key));
      out.checks = std::move(ids);
    } else if (key == "kind" || key == "namespace" || key == "name" || key == "reason") {
      if (!value.is_string()) {
        return fail(fmt::format("{}: `{}` must be a string", where, key));
      }
      std::string& field = key == "kind" ? out.kind : key == "namespace" ? out.namespace_ : key == "name" ? out.name : out.reason;
      field = value.get<std::string>();
    } else {
      return fail(fmt::format("{}: unknown key `{}` (expected checks, kind, namespace, name, reason)", where, key));
    }
  }
  if (out.kind.empty() && out.namespace_.empty() && out.name.empty()) {
    return fail(where + " names no object: give a kind, namespace or name (use `disable` to turn a check off)");
  }
  return out;
}

} // namespace

Result<Config> parse_config(std::string_view text, std::string_view what)
{
  CVA_TRY_ASSIGN(docs, parse_yaml_documents(text, what));
  Config config;
  if (docs.empty()) {
    return config;
  }
  if (docs.size() > 1 || !docs[0].is_object()) {
    return fail(fmt::format("{}: expected one YAML mapping", what));
  }
  for (const auto& [key, value] : docs[0].items()) {
    if (key == "users") {
      if (!value.is_number_integer() || value.get<long long>() <= 0) {
        return fail(fmt::format("{}: `users` must be a positive whole number", what));
      }
      config.users = value.get<int>();
    } else if (key == "tier") {
      const std::string tier = value.is_string() ? value.get<std::string>() : value.dump();
      if (!is_tier_name(tier)) {
        return fail(fmt::format("{}: `tier` must be 1k, 2k, 3k or 10k, not '{}'", what, tier));
      }
      config.tier = tier;
    } else if (key == "reference") {
      const auto edition = value.is_string() ? parse_edition(value.get<std::string>()) : std::nullopt;
      if (!edition) {
        return fail(fmt::format("{}: `reference` must be current or previous", what));
      }
      config.edition = edition;
    } else if (key == "disable") {
      CVA_TRY_ASSIGN(ids, string_list(value, what, key));
      CVA_TRY(known_ids(ids, what, key));
      config.disable = std::move(ids);
    } else if (key == "severity") {
      if (!value.is_object()) {
        return fail(fmt::format("{}: `severity` must map check ids to info, warn or fail", what));
      }
      for (const auto& [id, level] : value.items()) {
        CVA_TRY(known_ids({id}, what, "severity"));
        const auto outcome = level.is_string() ? parse_outcome(level.get<std::string>()) : std::nullopt;
        if (!outcome || *outcome == Outcome::pass || *outcome == Outcome::unknown) {
          return fail(fmt::format("{}: severity of {} must be info, warn or fail", what, id));
        }
        config.severity[id] = *outcome;
      }
    } else if (key == "exempt") {
      if (!value.is_array()) {
        return fail(fmt::format("{}: `exempt` must be a list", what));
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        CVA_TRY_ASSIGN(e, parse_exemption(value[i], what, i));
        config.exemptions.push_back(std::move(e));
      }
    } else {
      return fail(fmt::format("{}: unknown key `{}` (expected users, tier, reference, disable, severity, exempt)", what, key));
    }
  }
  return config;
}

Result<Config> load_config(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(fmt::format("cannot read config {}", path.string()));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path.string());
}

void apply_config(const Config& config, RunOptions& options)
{
  for (const std::string& id : config.disable) {
    options.skip.push_back(id);
  }
  for (const auto& [id, outcome] : config.severity) {
    options.severity[id] = outcome;
  }
  for (const Exemption& e : config.exemptions) {
    options.exemptions.push_back(e);
  }
  if (config.users) {
    options.analysis.users = config.users;
  }
  if (config.tier) {
    options.analysis.tier = config.tier;
  }
  if (config.edition) {
    options.analysis.edition = *config.edition;
  }
}

} // namespace cva
