// Custom resources that change what the checks conclude, collected only when their CRDs exist:
// Karpenter NodePools and NodeClaims (autoscaling), Cilium, Calico and AdminNetworkPolicies
// (reachability), Prometheus-operator ServiceMonitors and PodMonitors (observability).
#include <core/collect/context.hpp>
#include <core/collect/lists.hpp>

#include <fmt/format.h>

#include <atomic>

namespace {

using namespace cva;

struct Wanted
{
  const char* group;
  const char* plural;
};

constexpr Wanted k_wanted[] = {
  {"karpenter.sh", "nodepools"},
  {"karpenter.sh", "nodeclaims"},
  {"karpenter.sh", "provisioners"},
  {"cilium.io", "ciliumnetworkpolicies"},
  {"cilium.io", "ciliumclusterwidenetworkpolicies"},
  {"crd.projectcalico.org", "networkpolicies"},
  {"crd.projectcalico.org", "globalnetworkpolicies"},
  {"projectcalico.org", "networkpolicies"},
  {"projectcalico.org", "globalnetworkpolicies"},
  {"policy.networking.k8s.io", "adminnetworkpolicies"},
  {"policy.networking.k8s.io", "baselineadminnetworkpolicies"},
  {"monitoring.coreos.com", "servicemonitors"},
  {"monitoring.coreos.com", "podmonitors"},
};

std::string run(CollectContext& context)
{
  std::vector<ListSpec> specs;
  for (const Wanted& w : k_wanted) {
    if (const ApiResource* r = context.find_resource(w.group, w.plural); r != nullptr && r->can_list) {
      specs.push_back(ListSpec{r->group, r->version, r->plural, r->kind, r->namespaced,
                               fmt::format("custom-resources/{}.{}", r->plural, r->group), false});
    }
  }
  std::atomic<std::size_t> objects{0};
  const std::vector<std::string> namespaces = context.namespaces();
  std::vector<std::function<void()>> tasks;
  for (const ListSpec& spec : specs) {
    tasks.emplace_back([&, spec] {
      const ListOutcome o = collect_list(context, spec, namespaces);
      objects += o.objects;
      context.line(fmt::format("  {:<26} {:>6} objects{}", spec.bundle_name, o.objects, o.refused ? "  refused" : ""));
    });
  }
  context.run_parallel(std::move(tasks));
  return fmt::format("{} custom resource kinds, {} objects", specs.size(), objects.load());
}

} // namespace

CVA_REGISTER_COLLECTOR({
  .id = "custom-resources",
  .description = "Karpenter, Cilium, Calico, AdminNetworkPolicy and Prometheus-operator custom resources, when "
                 "their CRDs exist.",
  .phase = 1,
  .order = 2,
  .outputs = {"cluster-resources/custom-resources/<plural.group>[/<namespace>].json"},
  .run = &run,
});
