#include "coder_settings.hpp"

#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace cva {

namespace {

std::string option_value_text(const Json& v)
{
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_null()) {
    return {};
  }
  return v.dump();
}

// The setting as a pod template or pod's coderd container shows it.
ServerSetting from_env(const Snapshot& snapshot, const KubeObject& object, const PodSpec& spec,
                       bool in_template, std::string_view env_name)
{
  ServerSetting s;
  const Container* c = coderd_container(spec.containers);
  if (c == nullptr) {
    s.why_unknown = "no coderd container";
    return s;
  }
  const std::string what = fmt::format("env of container {} in {} {}/{}", c->name, object.kind,
                                       object.meta.namespace_, object.meta.name);
  const std::string pointer = object.source.pointer + fmt::format("{}/containers/{}/env",
                                                                  in_template ? "/spec/template/spec" : "/spec", c->index);
  const std::optional<EnvValue> v = effective_env(snapshot, object.meta.namespace_, *c, env_name);
  if (!v) {
    s.state = ServerSetting::State::unset;
    s.sources.push_back(SettingSource{object.source.path, pointer, fmt::format("{} not set", env_name), what});
    return s;
  }
  switch (v->kind) {
    case EnvValue::Kind::literal:
      s.state = v->value.empty() ? ServerSetting::State::unset : ServerSetting::State::set;
      s.value = v->value;
      s.sources.push_back(SettingSource{object.source.path, pointer,
                                        fmt::format("{}={} ({})", env_name, v->value, v->origin), what});
      break;
    case EnvValue::Kind::secret:
    case EnvValue::Kind::config_map:
    case EnvValue::Kind::field:
      s.state = ServerSetting::State::set;
      s.sources.push_back(SettingSource{object.source.path, pointer,
                                        fmt::format("{} from {} (value not collected)", env_name, v->origin), what});
      break;
    case EnvValue::Kind::unseen:
      s.state = ServerSetting::State::unknown;
      s.why_unknown = fmt::format("{} may come from {}, which was not collected", env_name, v->origin);
      s.sources.push_back(SettingSource{object.source.path, pointer, s.why_unknown, what});
      break;
  }
  return s;
}

std::string describe_workload(const Workload& w)
{
  return fmt::format("{} {}/{}", w.kind, w.meta.namespace_, w.meta.name);
}

} // namespace

bool coder_true(std::string_view value)
{
  // The server parses booleans with Go's strconv.ParseBool; anything else stops it from starting.
  return value == "1" || value == "t" || value == "T" || value == "true" || value == "TRUE" || value == "True";
}

const Container* coderd_container(const std::vector<Container>& containers)
{
  for (const Container& c : containers) {
    if (c.name == "coder") {
      return &c;
    }
  }
  for (const Container& c : containers) {
    if (std::find(c.args.begin(), c.args.end(), "server") != c.args.end()) {
      return &c;
    }
  }
  return containers.empty() ? nullptr : &containers.front();
}

const Json* config_option(const Snapshot& snapshot, std::string_view env_name)
{
  const CoderDocument* config = snapshot.coder_data.find("config");
  if (config == nullptr) {
    return nullptr;
  }
  for (const Json& o : json_array(config->json, "options")) {
    if (json_string(o, "env") == env_name) {
      return &o;
    }
  }
  return nullptr;
}

ServerSetting server_setting(const Snapshot& snapshot, std::string_view env_name)
{
  ServerSetting cluster;
  cluster.why_unknown = "no coderd Deployment or pod in the input";
  if (!snapshot.coder.coderd_workloads.empty()) {
    const Workload& w = *snapshot.coder.coderd_workloads.front();
    cluster = from_env(snapshot, w, w.template_spec, true, env_name);
    // Several coderd Deployments (a second release, a canary) may set it differently.
    for (std::size_t i = 1; i < snapshot.coder.coderd_workloads.size(); ++i) {
      const Workload& other = *snapshot.coder.coderd_workloads[i];
      ServerSetting o = from_env(snapshot, other, other.template_spec, true, env_name);
      const bool differs = o.state != cluster.state || o.value != cluster.value;
      for (SettingSource& src : o.sources) {
        cluster.sources.push_back(std::move(src));
      }
      if (differs && cluster.state != ServerSetting::State::unknown) {
        cluster.state = ServerSetting::State::unknown;
        cluster.value.reset();
        cluster.why_unknown = fmt::format("the coderd Deployments set {} differently ({} and {})", env_name,
                                          describe_workload(w), describe_workload(other));
      }
    }
  } else if (!snapshot.coder.coderd.empty()) {
    const Pod& p = *snapshot.coder.coderd.front();
    cluster = from_env(snapshot, p, p.spec, false, env_name);
  }
  const CoderDocument* config = snapshot.coder_data.find("config");
  const Json* option = config_option(snapshot, env_name);
  if (option == nullptr) {
    return cluster;
  }
  const Json& options = json_array(config->json, "options");
  std::size_t index = 0;
  for (; index < options.size(); ++index) {
    if (&options[index] == option) {
      break;
    }
  }
  const std::string source = json_string(*option, "value_source");
  ServerSetting s;
  const bool set = source == "env" || source == "flag" || source == "yaml";
  s.state = set ? ServerSetting::State::set : ServerSetting::State::unset;
  const std::string value = option_value_text(json_at(*option, "value"));
  if (set && !json_at(*option, "value").is_null()) {
    s.value = value;
  } else if (!set) {
    s.value = json_at(*option, "value").is_null() ? json_string(*option, "default") : value;
  }
  s.sources.push_back(SettingSource{config->path, fmt::format("/options/{}", index),
                                    fmt::format("{}: value_source {}{}", env_name, source.empty() ? "(none)" : source,
                                                value.empty() ? std::string() : ", value " + value),
                                    "the server's deployment config (support bundle)"});
  for (SettingSource& src : cluster.sources) {
    s.sources.push_back(std::move(src));
  }
  return s;
}

} // namespace cva
