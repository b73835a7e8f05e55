// Flags application workloads that share the cluster with Coder. The validated architecture
// deploys Coder "into its own respective cluster, separate from production applications": a
// workspace is a user's shell with network access, and a noisy or compromised one should not sit
// next to production services.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace {

using namespace cva;

// Namespaces of cluster add-ons that any Coder cluster may run.
constexpr std::string_view k_platform[] = {
  "kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "ingress", "cert-manager", "external-dns",
  "monitoring", "prometheus", "coder-observability", "observability", "logging", "karpenter", "velero", "kyverno",
  "gatekeeper-system", "istio-system", "linkerd", "cilium", "calico-system", "calico-apiserver", "tigera-operator",
  "kube-flannel", "metallb-system", "amazon-cloudwatch", "amazon-guardduty", "aws-observability", "local-path-storage",
  "longhorn-system", "rook-ceph", "openebs", "external-secrets", "vault", "argocd", "flux-system", "sealed-secrets",
  "traefik", "keda", "envoy-gateway-system", "gmp-system", "gke-managed-system", "gke-gmp-system",
};

bool is_platform(std::string_view ns)
{
  return std::find(std::begin(k_platform), std::end(k_platform), ns) != std::end(k_platform) ||
         ns.starts_with("kube-") || ns.starts_with("gke-") || ns.starts_with("aks-") || ns.starts_with("azure-") ||
         ns.starts_with("cattle-") || ns.starts_with("openshift-");
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::set<std::string> coder_ns(snapshot.coder.control_plane_namespaces.begin(), snapshot.coder.control_plane_namespaces.end());
  coder_ns.insert(snapshot.coder.workspace_namespaces.begin(), snapshot.coder.workspace_namespaces.end());
  for (const Pod& p : snapshot.pods) {
    if (p.role != CoderRole::none) {
      coder_ns.insert(p.meta.namespace_);
    }
  }
  std::map<std::string, std::vector<const Pod*>> foreign;
  for (const Pod& p : snapshot.pods) {
    if (p.role == CoderRole::none && !coder_ns.contains(p.meta.namespace_) && !is_platform(p.meta.namespace_)) {
      foreign[p.meta.namespace_].push_back(&p);
    }
  }
  if (foreign.empty()) {
    return {finding(Outcome::pass, fmt::format("every pod belongs to Coder ({}) or to cluster add-ons",
                                               fmt::join(coder_ns, ", ")))};
  }
  std::vector<std::string> parts;
  std::vector<ObjectRef> refs;
  for (const auto& [ns, pods] : foreign) {
    parts.push_back(fmt::format("{} ({} pod(s))", ns, pods.size()));
    if (const Namespace* n = snapshot.find_namespace(ns)) {
      refs.push_back(ref(*n));
    } else {
      refs.push_back(ref(*pods.front()));
    }
  }
  return {finding(Outcome::warn,
                  fmt::format("the cluster also runs workloads unrelated to Coder in {} namespace(s): {}", foreign.size(),
                              fmt::join(parts, ", ")),
                  std::move(refs))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "dedicated-cluster",
  .area = "observability",
  .title = "Coder has the cluster to itself",
  .description = "Flags pods in namespaces that belong neither to Coder (control plane, provisioners, workspaces, "
                 "its database) nor to common cluster add-ons.",
  .severity = Outcome::warn,
  .inputs = {"pods"},
  .remediation = "Run Coder in its own cluster, separate from production applications, or at least isolate it with "
                 "dedicated node groups and NetworkPolicies.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
