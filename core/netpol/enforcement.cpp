#include "enforcement.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

namespace cva::netpol {

namespace {

bool has_arg(const Container& c, std::string_view arg)
{
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), arg) != list.end();
  };
  return in(c.args) || in(c.command);
}

// Recognises a network plugin or policy agent from a pod spec (a DaemonSet's template or one of
// its pods). `base` is the JSON pointer of the spec's containers list.
std::optional<PolicyAgent> classify(const KubeObject& object, const PodSpec& spec, const std::string& base)
{
  const auto find = [&](auto&& pred) -> const Container* {
    for (const Container& c : spec.containers) {
      if (pred(c)) {
        return &c;
      }
    }
    return nullptr;
  };
  const auto named = [&](std::string_view name) { return find([&](const Container& c) { return c.name == name; }); };
  const auto image = [&](std::string_view part) {
    return find([&](const Container& c) { return c.image.find(part) != std::string::npos; });
  };
  const auto agent = [&](std::string name, Enforcement e, const Container* c, std::string detail, std::string value) {
    PolicyAgent a;
    a.name = std::move(name);
    a.enforcement = e;
    a.object = &object;
    a.detail = fmt::format("{} {}/{} {}", object.kind, object.meta.namespace_, object.meta.name, detail);
    a.pointer = c != nullptr ? fmt::format("{}/{}", base, c->index) : base;
    a.value = std::move(value);
    return a;
  };

  if (const Container* c = named("aws-eks-nodeagent")) {
    const bool on = has_arg(*c, "--enable-network-policy=true");
    return agent("AWS VPC CNI", on ? Enforcement::enforced : Enforcement::not_enforced, c,
                 on ? "runs the AWS VPC CNI with its network policy agent (aws-eks-nodeagent --enable-network-policy=true)"
                    : "runs the AWS VPC CNI network policy agent without --enable-network-policy=true",
                 fmt::format("args: {}", fmt::join(c->args, " ")));
  }
  if (const Container* c = named("aws-node") ? named("aws-node") : image("amazon-k8s-cni")) {
    return agent("AWS VPC CNI", Enforcement::not_enforced, c,
                 "runs the AWS VPC CNI without its network policy agent (no aws-eks-nodeagent container)", c->image);
  }
  if (const Container* c = named("calico-node") ? named("calico-node") : image("calico/node")) {
    return agent("Calico", Enforcement::enforced, c, "runs calico-node", c->image);
  }
  if (object.meta.name == "anetd") {
    return agent("GKE Dataplane V2", Enforcement::enforced, spec.containers.empty() ? nullptr : &spec.containers[0],
                 "runs GKE Dataplane V2", object.meta.name);
  }
  if (const Container* c = named("cilium-agent") ? named("cilium-agent") : image("cilium/cilium")) {
    return agent("Cilium", Enforcement::enforced, c, "runs the Cilium agent", c->image);
  }
  if (const Container* c = named("antrea-agent")) {
    return agent("Antrea", Enforcement::enforced, c, "runs antrea-agent", c->image);
  }
  if (const Container* c = named("weave-npc")) {
    return agent("Weave Net", Enforcement::enforced, c, "runs Weave Net with weave-npc", c->image);
  }
  if (const Container* c = image("weaveworks/weave-kube")) {
    return agent("Weave Net", Enforcement::not_enforced, c, "runs Weave Net without weave-npc", c->image);
  }
  if (const Container* c = image("kube-router")) {
    const bool off = has_arg(*c, "--run-firewall=false");
    return agent("kube-router", off ? Enforcement::not_enforced : Enforcement::enforced, c,
                 off ? "runs kube-router with --run-firewall=false" : "runs kube-router with its firewall",
                 fmt::format("args: {}", fmt::join(c->args, " ")));
  }
  if (const Container* c = named("azure-npm") ? named("azure-npm") : image("azure-npm")) {
    return agent("Azure Network Policy Manager", Enforcement::enforced, c, "runs Azure Network Policy Manager",
                 c->image);
  }
  if (const Container* c = named("ovnkube-node") ? named("ovnkube-node") : named("ovnkube-controller")) {
    return agent("OVN-Kubernetes", Enforcement::enforced, c, "runs OVN-Kubernetes", c->image);
  }
  if (const Container* c = image("kube-ovn")) {
    return agent("Kube-OVN", Enforcement::enforced, c, "runs Kube-OVN", c->image);
  }
  if (const Container* c = named("kube-flannel") ? named("kube-flannel") : image("flannel")) {
    return agent("flannel", Enforcement::not_enforced, c, "runs flannel, which does not enforce NetworkPolicy", c->image);
  }
  if (const Container* c = named("kindnet-cni")) {
    return agent("kindnet", Enforcement::unknown, c,
                 "runs kindnet, which enforces NetworkPolicy only in recent releases (kind v0.24 and later)", c->image);
  }
  return std::nullopt;
}

bool engine_runs(const EnforcementReport& enforcement, std::string_view engine)
{
  return std::any_of(enforcement.agents.begin(), enforcement.agents.end(), [&](const PolicyAgent& a) {
    if (engine == "AdminNetworkPolicy") {
      return a.name == "Calico" || a.name == "Antrea" || a.name == "OVN-Kubernetes";
    }
    return a.name == engine;
  });
}

} // namespace

std::string_view to_string(Enforcement enforcement)
{
  switch (enforcement) {
    case Enforcement::enforced:
      return "enforced";
    case Enforcement::not_enforced:
      return "not enforced";
    case Enforcement::unknown:
      return "unknown";
  }
  return "unknown";
}

EnforcementReport detect_enforcement(const Snapshot& snapshot)
{
  EnforcementReport out;
  const bool daemonsets = snapshot.coverage("daemonsets").usable();
  if (daemonsets) {
    out.seen = true;
    for (const Workload& w : snapshot.workloads) {
      if (w.kind == "DaemonSet") {
        if (auto a = classify(w, w.template_spec, "/spec/template/spec/containers")) {
          out.agents.push_back(std::move(*a));
        }
      }
    }
  } else {
    // Without DaemonSets, one pod of each DaemonSet tells as much.
    std::set<std::string> done;
    for (const Pod& p : snapshot.pods) {
      const auto owner = std::find_if(p.meta.owners.begin(), p.meta.owners.end(),
                                      [](const OwnerReference& o) { return o.controller && o.kind == "DaemonSet"; });
      if (owner == p.meta.owners.end() || !done.insert(p.meta.namespace_ + "/" + owner->name).second) {
        continue;
      }
      out.seen = true;
      if (auto a = classify(p, p.spec, "/spec/containers")) {
        out.agents.push_back(std::move(*a));
      }
    }
  }
  // AKS records its network policy engine on every node.
  for (const Node& n : snapshot.nodes) {
    const auto it = n.meta.labels.find("kubernetes.azure.com/network-policy");
    if (it == n.meta.labels.end()) {
      continue;
    }
    out.seen = true;
    PolicyAgent a;
    a.object = &n;
    a.pointer = "/metadata/labels/kubernetes.azure.com~1network-policy";
    a.value = it->second;
    if (it->second == "none" || it->second.empty()) {
      a.name = "AKS without a network policy engine";
      a.enforcement = Enforcement::not_enforced;
    } else {
      a.name = fmt::format("AKS network policy {}", it->second);
      a.enforcement = Enforcement::enforced;
    }
    a.detail = fmt::format("Node {}: label kubernetes.azure.com/network-policy={}", n.meta.name, it->second);
    out.agents.push_back(std::move(a));
    break;
  }
  const auto first = [&](Enforcement e) {
    return std::find_if(out.agents.begin(), out.agents.end(), [&](const PolicyAgent& a) { return a.enforcement == e; });
  };
  if (const auto it = first(Enforcement::enforced); it != out.agents.end()) {
    out.enforcement = Enforcement::enforced;
    out.summary = fmt::format("NetworkPolicy is enforced: {}", it->detail);
  } else if (const auto nit = first(Enforcement::not_enforced); nit != out.agents.end()) {
    out.enforcement = Enforcement::not_enforced;
    out.summary = fmt::format("NetworkPolicy is not enforced: {}, and no other policy agent runs", nit->detail);
  } else if (!out.agents.empty()) {
    out.summary = out.agents.front().detail;
  } else if (out.seen) {
    out.summary = "no known network plugin or policy agent was found among the DaemonSets";
  } else {
    out.summary = "neither DaemonSets nor their pods were in the input, so the network plugin is unknown";
  }
  return out;
}

const std::vector<ExtendedKind>& extended_kinds()
{
  static const std::vector<ExtendedKind> k_kinds = {
    {"ciliumnetworkpolicies", "cilium.io", "CiliumNetworkPolicy", false, "Cilium"},
    {"ciliumclusterwidenetworkpolicies", "cilium.io", "CiliumClusterwideNetworkPolicy", true, "Cilium"},
    {"networkpolicies", "crd.projectcalico.org", "Calico NetworkPolicy", false, "Calico"},
    {"globalnetworkpolicies", "crd.projectcalico.org", "Calico GlobalNetworkPolicy", true, "Calico"},
    {"networkpolicies", "projectcalico.org", "Calico NetworkPolicy", false, "Calico"},
    {"globalnetworkpolicies", "projectcalico.org", "Calico GlobalNetworkPolicy", true, "Calico"},
    {"networkpolicies", "crd.antrea.io", "Antrea NetworkPolicy", false, "Antrea"},
    {"clusternetworkpolicies", "crd.antrea.io", "Antrea ClusterNetworkPolicy", true, "Antrea"},
    {"adminnetworkpolicies", "policy.networking.k8s.io", "AdminNetworkPolicy", true, "AdminNetworkPolicy"},
    {"baselineadminnetworkpolicies", "policy.networking.k8s.io", "BaselineAdminNetworkPolicy", true,
     "AdminNetworkPolicy"},
  };
  return k_kinds;
}

ExtendedPolicies find_extended_policies(const Snapshot& snapshot, const EnforcementReport& enforcement)
{
  ExtendedPolicies out;
  const ResourceStore& store = snapshot.store();
  const ResourceData& crds = store.get("customresourcedefinitions", "apiextensions.k8s.io");
  std::set<std::string> installed;
  for (const StoredObject& so : crds.objects) {
    installed.insert(json_string(json_at(*so.object, "metadata"), "name"));
  }
  std::vector<std::string> undecided;
  for (const ExtendedKind& kind : extended_kinds()) {
    const ResourceData* data = store.find(kind.plural, kind.group);
    const bool collected = data != nullptr && data->coverage.usable();
    if (data != nullptr) {
      for (const StoredObject& so : data->objects) {
        const Json& meta = json_at(*so.object, "metadata");
        ExtendedObject o{&kind, kind.cluster_wide ? std::string() : json_string(meta, "namespace"),
                         json_string(meta, "name"), so.path != nullptr ? *so.path : std::string()};
        if (kind.cluster_wide) {
          out.cluster_wide = true;
        } else {
          out.namespaces.insert(o.namespace_);
        }
        out.objects.push_back(std::move(o));
      }
    }
    if (collected || kind.group == "projectcalico.org") {
      continue; // the v3 API serves the crd.projectcalico.org objects again
    }
    const std::string crd = fmt::format("{}.{}", kind.plural, kind.group);
    const bool crd_absent = crds.coverage.usable() && !installed.contains(crd);
    const bool runs = engine_runs(enforcement, kind.engine);
    if (runs) {
      const std::string engine = kind.engine == "AdminNetworkPolicy" ? std::string("an AdminNetworkPolicy implementation")
                                                                     : std::string(kind.engine);
      out.unseen.push_back(fmt::format("{} runs but its {} objects were not in the input", engine, kind.kind));
    } else if (!crd_absent && !enforcement.seen) {
      undecided.push_back(crd);
    }
  }
  out.absence_known = undecided.empty() && out.unseen.empty();
  if (!out.unseen.empty()) {
    out.absence_reason = fmt::format("{}", fmt::join(out.unseen, "; "));
  } else if (!undecided.empty()) {
    out.absence_reason = fmt::format("neither {} objects, their CRDs nor the cluster's DaemonSets were in the input",
                                     fmt::join(undecided, ", "));
  }
  return out;
}

std::vector<std::string> ExtendedPolicies::doubts(std::string_view from, std::string_view to) const
{
  std::vector<std::string> out = unseen;
  std::vector<std::string> names;
  for (const ExtendedObject& o : objects) {
    if (o.namespace_.empty() || (!from.empty() && o.namespace_ == from) || (!to.empty() && o.namespace_ == to)) {
      names.push_back(o.namespace_.empty() ? fmt::format("{} {}", o.kind->kind, o.name)
                                           : fmt::format("{} {}/{}", o.kind->kind, o.namespace_, o.name));
    }
  }
  if (!names.empty()) {
    const std::size_t shown = std::min<std::size_t>(names.size(), 3);
    out.push_back(fmt::format("{}{} could change this path (only networking.k8s.io/v1 policies are evaluated)",
                              fmt::join(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                              names.size() > shown ? fmt::format(" and {} more", names.size() - shown) : ""));
  }
  return out;
}

} // namespace cva::netpol
