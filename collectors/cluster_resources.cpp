// Cluster state: every built-in kind the checks and `serve` need, listed cluster-wide 500 at a
// time, falling back to one namespace at a time when a cluster-wide list is refused. Secrets and
// ConfigMaps are listed as metadata only, so their values are never requested.
#include <core/bundle/resources.hpp>
#include <core/collect/context.hpp>
#include <core/collect/lists.hpp>

#include <fmt/format.h>

#include <atomic>
#include <set>

namespace {

using namespace cva;

// Built-in kinds collected cluster-wide (ServiceAccounts, Roles and RoleBindings are collected
// only in Coder's namespaces, by coder-rbac).
const std::set<std::string> k_skip = {"serviceaccounts", "roles", "rolebindings", "clusterroles", "clusterrolebindings",
                                      "customresourcedefinitions", "leases", "replicationcontrollers", "priorityclasses"};
const std::set<std::string> k_metadata_only = {"secrets", "configmaps"};

ListSpec spec_for(const ResourceType& type, const CollectContext& context)
{
  ListSpec spec{type.group, type.version, type.plural, type.kind, type.namespaced, type.bundle_name,
                k_metadata_only.contains(type.plural)};
  // Use the version the server serves (HPAs are autoscaling/v2 on current clusters, v1 on old).
  if (const ApiResource* r = context.find_resource(type.group, type.plural)) {
    spec.version = r->version;
  }
  return spec;
}

std::string run(CollectContext& context)
{
  // Namespaces first: they are the fallback when a cluster-wide list is refused.
  const ResourceType* ns_type = find_builtin_type("namespaces", "");
  const ListOutcome ns = collect_list(context, spec_for(*ns_type, context), {});
  std::set<std::string> known(ns.names.begin(), ns.names.end());
  // With the namespace list refused, fall back to the namespaces the user named.
  for (const auto* list : {&context.options().coder_namespaces, &context.options().workspace_namespaces}) {
    known.insert(list->begin(), list->end());
  }
  if (ns.refused) {
    known.insert("default");
  }
  const std::vector<std::string> ns_list(known.begin(), known.end());
  context.set_namespaces(ns_list);
  std::atomic<std::size_t> objects{ns.objects};
  std::atomic<int> refused{0};
  const bool have_discovery = !context.resources().empty();
  std::vector<std::function<void()>> tasks;
  std::vector<ResourceType> types;
  for (const ResourceType& t : builtin_resource_types()) {
    if (t.plural == "namespaces" || k_skip.contains(t.plural)) {
      continue;
    }
    if (have_discovery && context.find_resource(t.group, t.plural) == nullptr) {
      continue; // the server does not offer it (an old cluster without CSIDrivers, say)
    }
    types.push_back(t);
  }
  for (const ResourceType& t : types) {
    tasks.emplace_back([&, t] {
      const auto t0 = std::chrono::steady_clock::now();
      const ListOutcome o = collect_list(context, spec_for(t, context), ns_list);
      objects += o.objects;
      if (o.refused || o.refused_namespaces > 0) {
        ++refused;
      }
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      context.line(fmt::format("  {:<26} {:>6} objects {:>6.2f}s{}", t.bundle_name, o.objects, static_cast<double>(ms) / 1000.0,
                               o.refused ? "  refused"
                               : o.refused_namespaces > 0 ? fmt::format("  refused in {} namespace(s)", o.refused_namespaces)
                                                          : std::string()));
    });
  }
  context.run_parallel(std::move(tasks));
  return fmt::format("{} kinds, {} objects{}", types.size() + 1, objects.load(),
                     refused.load() > 0 ? fmt::format(", {} kinds incomplete", refused.load()) : std::string());
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "cluster-resources",
  .description = "Built-in kinds (nodes, pods, storage, network policies, workloads, events, ...), paginated, "
                 "metadata only for Secrets and ConfigMaps.",
  .phase = 1,
  .order = 1,
  .outputs = {"cluster-resources/<kind>.json", "cluster-resources/<kind>/<namespace>.json",
              "cluster-resources/<kind>-errors.json"},
  .run = &run,
});
