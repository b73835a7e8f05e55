// Discovery: which API groups, versions and resources the server offers. Later collectors list
// only what exists (custom resources, HPA versions) and pick the version the server prefers.
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

void add_resources(const Json& list, const std::string& group, const std::string& version, std::vector<ApiResource>& out)
{
  for (const Json& r : json_array(list, "resources")) {
    const std::string name = json_string(r, "name");
    if (name.empty() || name.find('/') != std::string::npos) {
      continue; // subresources
    }
    bool can_list = false;
    for (const Json& verb : json_array(r, "verbs")) {
      can_list = can_list || (verb.is_string() && verb.get<std::string>() == "list");
    }
    out.push_back(ApiResource{group, version, name, json_string(r, "kind"), json_bool(r, "namespaced"), can_list});
  }
}

std::string run(CollectContext& context)
{
  std::vector<ApiResource> resources;
  Json resource_lists = Json::array();
  const HttpResponse core = context.get("/api/v1");
  if (core.ok()) {
    if (auto doc = parse_json(core.body, "/api/v1")) {
      add_resources(*doc, "", "v1", resources);
      resource_lists.push_back(std::move(*doc));
    }
  } else {
    context.record_error("groups-resources", "", core.describe());
  }
  const HttpResponse groups = context.get("/apis");
  Json group_list;
  std::vector<std::pair<std::string, std::string>> preferred;
  if (groups.ok()) {
    if (auto doc = parse_json(groups.body, "/apis")) {
      group_list = std::move(*doc);
      for (const Json& g : json_array(group_list, "groups")) {
        const std::string name = json_string(g, "name");
        const std::string version = json_string(json_at(g, "preferredVersion"), "version");
        if (!name.empty() && !version.empty()) {
          preferred.emplace_back(name, version);
        }
      }
    }
    context.put_json(std::string(paths::k_cluster_resources) + "/groups.json", group_list);
  } else {
    context.record_error("groups-resources", "", groups.describe());
  }
  std::vector<Json> lists(preferred.size());
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < preferred.size(); ++i) {
    tasks.emplace_back([&, i] {
      const auto& [group, version] = preferred[i];
      const std::string path = fmt::format("/apis/{}/{}", group, version);
      const HttpResponse r = context.get(path);
      if (r.ok()) {
        if (auto doc = parse_json(r.body, path)) {
          lists[i] = std::move(*doc);
        }
      } else {
        context.record_error("groups-resources", group, r.describe());
      }
    });
  }
  context.run_parallel(std::move(tasks));
  for (std::size_t i = 0; i < preferred.size(); ++i) {
    if (!lists[i].is_null()) {
      add_resources(lists[i], preferred[i].first, preferred[i].second, resources);
      resource_lists.push_back(std::move(lists[i]));
    }
  }
  context.put_json(std::string(paths::k_cluster_resources) + "/resources.json", resource_lists);
  const std::size_t count = resources.size();
  context.set_resources(std::move(resources));
  return fmt::format("{} API groups, {} resources", preferred.size() + 1, count);
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "discovery",
  .description = "API groups, versions and resources the server offers (groups.json, resources.json).",
  .phase = 1,
  .order = 0,
  .outputs = {"cluster-resources/groups.json", "cluster-resources/resources.json"},
  .run = &run,
});
