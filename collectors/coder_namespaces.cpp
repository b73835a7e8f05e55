// What lives in Coder's own namespaces and is not collected cluster-wide: ConfigMap data (Coder's
// and the Cluster Autoscaler's status, redacted), ServiceAccounts, Roles and RoleBindings.
#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/collect/lists.hpp>
#include <core/model/snapshot.hpp>

#include <fmt/format.h>

#include <atomic>
#include <set>

namespace {

using namespace cva;

std::set<std::string> coder_namespaces(const CollectContext& context)
{
  std::set<std::string> out(context.options().coder_namespaces.begin(), context.options().coder_namespaces.end());
  if (out.empty() && context.cluster() != nullptr) {
    const CoderFacts& f = context.cluster()->coder;
    out.insert(f.control_plane_namespaces.begin(), f.control_plane_namespaces.end());
    for (const auto* pods : {&f.provisioners, &f.proxies}) {
      for (const Pod* p : *pods) {
        out.insert(p->meta.namespace_);
      }
    }
  }
  return out;
}

std::string run(CollectContext& context)
{
  const std::set<std::string> namespaces = coder_namespaces(context);
  std::atomic<std::size_t> objects{0};
  std::vector<std::function<void()>> tasks;
  const std::vector<ListSpec> specs = {
    // ConfigMaps with data replace the metadata-only list of the same namespace.
    ListSpec{"", "v1", "configmaps", "ConfigMap", true, "configmaps", false},
    ListSpec{"", "v1", "serviceaccounts", "ServiceAccount", true, "serviceaccounts", false},
    ListSpec{"rbac.authorization.k8s.io", "v1", "roles", "Role", true, "roles", false},
    ListSpec{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, "rolebindings", false},
  };
  for (const std::string& ns : namespaces) {
    for (const ListSpec& spec : specs) {
      tasks.emplace_back([&, ns, spec] {
        const long n = collect_namespace_list(context, spec, ns);
        if (n > 0) {
          objects += static_cast<std::size_t>(n);
        }
      });
    }
  }
  // The Cluster Autoscaler's status tells which node groups scale.
  tasks.emplace_back([&] {
    const HttpResponse r = context.get("/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status");
    if (r.status == 404) {
      return; // no Cluster Autoscaler: the metadata list already shows its absence
    }
    if (!r.ok()) {
      context.record_coverage("configmaps/kube-system/cluster-autoscaler-status", r.status == 403 ? "forbidden" : "failed", r.describe());
      return;
    }
    auto doc = parse_json(r.body, "cluster-autoscaler-status");
    if (!doc) {
      return;
    }
    // Replace the metadata-only entry in kube-system's list with the full object.
    context.modify_json(fmt::format("{}/configmaps/kube-system.json", paths::k_cluster_resources), [&](Json& list) {
      if (!list.is_object()) {
        list = Json{{"apiVersion", "v1"}, {"kind", "ConfigMapList"}, {"items", Json::array()}};
      }
      Json& items = list["items"];
      for (auto it = items.begin(); it != items.end(); ++it) {
        if (json_string(json_at(*it, "metadata"), "name") == "cluster-autoscaler-status") {
          items.erase(it);
          break;
        }
      }
      items.push_back(std::move(*doc));
    });
    ++objects;
  });
  context.run_parallel(std::move(tasks));
  if (namespaces.empty()) {
    context.record_coverage("coder/namespaces", "absent", "no Coder namespace found (no coderd pod; give -n)");
  }
  return fmt::format("{} Coder namespace(s), {} objects", namespaces.size(), objects.load());
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "coder-namespaces",
  .description = "ConfigMap data (redacted), ServiceAccounts, Roles and RoleBindings in Coder's namespaces, and the "
                 "Cluster Autoscaler's status ConfigMap.",
  .phase = 2,
  .order = 0,
  .outputs = {"cluster-resources/configmaps/<coder namespace>.json", "cluster-resources/serviceaccounts/<ns>.json",
              "cluster-resources/roles/<ns>.json", "cluster-resources/rolebindings/<ns>.json"},
  .run = &run,
});
