#pragma once

#include <core/util/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

class Snapshot;
struct Container;
struct KubeObject;

// Where a piece of evidence for a server setting was seen: bundle path, JSON pointer, value.
struct SettingSource
{
  std::string path;
  std::string pointer;
  std::string value;
  std::string what; // "env of container coder in Deployment coder/coder", "support bundle config"
};

// A coderd server setting (`CODER_*`) as far as the input shows it.
struct ServerSetting
{
  enum class State
  {
    set,     // explicitly set (value known or not)
    unset,   // not set: the server's default applies
    unknown, // the input cannot tell (env from an uncollected source, no config, no coderd)
  };
  State state = State::unknown;
  std::optional<std::string> value; // the value when known (for `set`) or the default (for `unset`)
  std::vector<SettingSource> sources;
  std::string why_unknown;

  bool is_set() const { return state == State::set; }
};

// The setting `env_name` of the Coder server. The support bundle's deployment config is the
// server's own view (`options[].value_source`: env, flag or yaml = set; default or empty = unset,
// since secrets are blanked there) and wins when present; otherwise the coderd container's env
// and envFrom decide (the coderd Deployments, else the first coderd pod; `unknown` when several
// Deployments disagree). A Secret reference counts as set with its value unseen.
ServerSetting server_setting(const Snapshot& snapshot, std::string_view env_name);

// The option of the support bundle's deployment config (`config.json` `options[]`) whose `env` is
// `env_name`, or nullptr.
const Json* config_option(const Snapshot& snapshot, std::string_view env_name);

// The coderd container of a pod spec: the one named `coder`, else the first running `server`.
const Container* coderd_container(const std::vector<Container>& containers);

// True for the values Go's strconv.ParseBool reads as true (`1`, `t`, `T`, `true`, `TRUE`, `True`),
// which is how the Coder server parses its boolean settings.
bool coder_true(std::string_view value);

} // namespace cva
