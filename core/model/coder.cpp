#include "coder.hpp"

#include <core/util/yaml.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <algorithm>
#include <set>

namespace cva {

namespace {

bool has_arg(const Container& c, std::string_view arg)
{
  return std::find(c.args.begin(), c.args.end(), arg) != c.args.end() ||
         std::find(c.command.begin(), c.command.end(), arg) != c.command.end();
}

std::string label(const StringMap& m, std::string_view key)
{
  const auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

bool is_coder_image(std::string_view image)
{
  return image.find("coder/coder") != std::string_view::npos;
}

} // namespace

bool is_postgres_container(const Container& container)
{
  static const RE2 k_pg_image(R"((^|/)(postgres|postgresql|postgis|cloudnative-pg|timescaledb|crunchy-postgres|spilo)[^/]*(:|@|$))");
  // Exporters (postgres-exporter, postgres_exporter) are named after the database they watch.
  const std::string_view image(container.image);
  const std::string_view name = image.substr(image.rfind('/') == std::string_view::npos ? 0 : image.rfind('/') + 1);
  return RE2::PartialMatch(container.image, k_pg_image) && name.find("exporter") == std::string_view::npos;
}

CoderRole identify_role(const ObjectMeta& meta, const PodSpec& spec, std::string& reason)
{
  const std::string name = label(meta.labels, "app.kubernetes.io/name");
  const std::string component = label(meta.annotations, "app.kubernetes.io/component");
  // 1. Workspaces: Coder's resource labels are the strongest evidence.
  if (meta.labels.contains("com.coder.workspace.id")) {
    reason = "label com.coder.workspace.id";
    return CoderRole::workspace;
  }
  if (label(meta.labels, "com.coder.resource") == "true") {
    reason = "label com.coder.resource=true";
    return CoderRole::workspace;
  }
  if (name == "coder-workspace") {
    reason = "label app.kubernetes.io/name=coder-workspace";
    return CoderRole::workspace;
  }
  // 2. Control plane and provisioners, from the Helm charts' shape.
  for (const Container& c : spec.containers) {
    const bool coder_container = c.name == "coder" || is_coder_image(c.image);
    if (!coder_container) {
      continue;
    }
    if (has_arg(c, "wsproxy") || component == "wsproxy") {
      reason = fmt::format("container {} runs `wsproxy server`", c.name);
      return CoderRole::workspace_proxy;
    }
    if (has_arg(c, "provisionerd") || name == "coder-provisioner") {
      reason = name == "coder-provisioner" ? std::string("label app.kubernetes.io/name=coder-provisioner")
                                           : fmt::format("container {} runs `provisionerd start`", c.name);
      return CoderRole::provisioner;
    }
    if (has_arg(c, "server") && (name == "coder" || is_coder_image(c.image))) {
      reason = name == "coder" ? fmt::format("label app.kubernetes.io/name=coder, container {} runs `server`", c.name)
                               : fmt::format("image {} runs `server`", c.image);
      return CoderRole::coderd;
    }
    // Coder's image has ENTRYPOINT ["/opt/coder", "server"]: with no command or args it is coderd.
    if (is_coder_image(c.image) && c.command.empty() && c.args.empty()) {
      reason = fmt::format("image {} runs its entrypoint, `coder server`", c.image);
      return CoderRole::coderd;
    }
  }
  if (name == "coder-provisioner") {
    reason = "label app.kubernetes.io/name=coder-provisioner";
    return CoderRole::provisioner;
  }
  if (name == "coder" && component == "coderd") {
    reason = "label app.kubernetes.io/name=coder, annotation app.kubernetes.io/component=coderd";
    return CoderRole::coderd;
  }
  // 3. Workspaces whose template dropped Coder's labels still run the agent.
  for (const Container& c : spec.containers) {
    for (const char* var : {"CODER_AGENT_TOKEN", "CODER_AGENT_URL", "CODER_AGENT_TOKEN_FILE"}) {
      if (c.find_env(var) != nullptr) {
        reason = fmt::format("container {} has env {}", c.name, var);
        return CoderRole::workspace;
      }
    }
    for (const std::string& part : c.command) {
      if (part.find("coder agent") != std::string::npos || part.find("/api/v2/buildinfo") != std::string::npos ||
          part.find("CODER_AGENT") != std::string::npos) {
        reason = fmt::format("container {} runs the Coder agent init script", c.name);
        return CoderRole::workspace;
      }
    }
  }
  if (label(meta.labels, "app") == "coder-workspace") {
    reason = "label app=coder-workspace";
    return CoderRole::workspace;
  }
  // 4. PostgreSQL inside the cluster.
  for (const Container& c : spec.containers) {
    if (is_postgres_container(c)) {
      reason = fmt::format("container {} runs image {}", c.name, c.image);
      return CoderRole::postgres;
    }
  }
  if (meta.labels.contains("cnpg.io/cluster") || name == "postgresql" || name == "postgres") {
    reason = meta.labels.contains("cnpg.io/cluster") ? "label cnpg.io/cluster" : "label app.kubernetes.io/name=" + name;
    return CoderRole::postgres;
  }
  return CoderRole::none;
}

void identify_coder(Snapshot& snapshot)
{
  CoderFacts& facts = snapshot.coder;
  std::set<std::string> cp_namespaces;
  std::set<std::string> ws_namespaces;
  for (Workload& w : snapshot.workloads) {
    if (w.kind == "ReplicaSet" && !w.meta.owners.empty()) {
      continue;
    }
    w.role = identify_role(w.template_meta, w.template_spec, w.role_reason);
    switch (w.role) {
      case CoderRole::coderd:
        facts.coderd_workloads.push_back(&w);
        break;
      case CoderRole::workspace_proxy:
        facts.proxy_workloads.push_back(&w);
        break;
      case CoderRole::provisioner:
        facts.provisioner_workloads.push_back(&w);
        break;
      case CoderRole::postgres:
        facts.postgres_workloads.push_back(&w);
        break;
      default:
        break;
    }
  }
  for (Pod& p : snapshot.pods) {
    p.role = identify_role(p.meta, p.spec, p.role_reason);
    switch (p.role) {
      case CoderRole::coderd:
        facts.coderd.push_back(&p);
        cp_namespaces.insert(p.meta.namespace_);
        break;
      case CoderRole::workspace_proxy:
        facts.proxies.push_back(&p);
        break;
      case CoderRole::provisioner:
        facts.provisioners.push_back(&p);
        break;
      case CoderRole::workspace:
        facts.workspaces.push_back(&p);
        ws_namespaces.insert(p.meta.namespace_);
        break;
      case CoderRole::postgres:
        facts.postgres.push_back(&p);
        break;
      case CoderRole::none:
        break;
    }
  }
  for (const Workload* w : facts.coderd_workloads) {
    cp_namespaces.insert(w->meta.namespace_);
  }
  facts.control_plane_namespaces.assign(cp_namespaces.begin(), cp_namespaces.end());
  facts.workspace_namespaces.assign(ws_namespaces.begin(), ws_namespaces.end());
}

namespace {

struct GroupLabel
{
  std::string_view label;
  std::string_view provider;
};

// Node-group labels, most specific first.
constexpr GroupLabel k_group_labels[] = {
  {"karpenter.sh/nodepool", "karpenter"},
  {"karpenter.sh/provisioner-name", "karpenter"},
  {"eks.amazonaws.com/nodegroup", "eks"},
  {"alpha.eksctl.io/nodegroup-name", "eks"},
  {"cloud.google.com/gke-nodepool", "gke"},
  {"kubernetes.azure.com/agentpool", "aks"},
  {"agentpool", "aks"},
  {"node.kubernetes.io/nodegroup", ""},
  {"nodegroup", ""},
  {"node-group", ""},
};

// Node group names the Cluster Autoscaler status ConfigMap lists, in both its formats: the
// older text ("Name: <group>") and the YAML of 1.30+ (`nodeGroups: [{name: ...}]`).
std::vector<std::string> autoscaler_groups(const std::string& status)
{
  std::vector<std::string> out;
  static const RE2 k_text_name(R"((?m)^\s*Name:\s*(\S+)\s*$)");
  re2::StringPiece input(status);
  std::string name;
  while (RE2::FindAndConsume(&input, k_text_name, &name)) {
    out.push_back(name);
  }
  if (out.empty()) {
    if (auto docs = parse_yaml_documents(status, "cluster-autoscaler-status"); docs && !docs->empty()) {
      for (const Json& g : json_array((*docs)[0], "nodeGroups")) {
        if (const std::string n = json_string(g, "name"); !n.empty()) {
          out.push_back(n);
        }
      }
    }
  }
  return out;
}

// True when a Cluster Autoscaler group name refers to node group `group` (ASG names embed the
// EKS node group name; GKE instance group URLs embed the pool name).
bool group_matches(std::string_view ca_group, std::string_view group)
{
  if (group.empty()) {
    return false;
  }
  if (ca_group == group) {
    return true;
  }
  const auto pos = ca_group.find(group);
  if (pos == std::string_view::npos) {
    return false;
  }
  const auto boundary = [](char c) { return c == '-' || c == '/' || c == '_' || c == '.'; };
  const bool left = pos == 0 || boundary(ca_group[pos - 1]);
  const std::size_t end = pos + group.size();
  const bool right = end == ca_group.size() || boundary(ca_group[end]);
  return left && right;
}

} // namespace

void classify_node_groups(Snapshot& snapshot)
{
  const ConfigMap* ca_status = snapshot.find_config_map("kube-system", "cluster-autoscaler-status");
  std::vector<std::string> ca_groups;
  std::string ca_status_text;
  if (ca_status != nullptr) {
    const auto it = ca_status->data.find("status");
    if (it != ca_status->data.end()) {
      ca_status_text = it->second;
      ca_groups = autoscaler_groups(ca_status_text);
    }
  }
  const ResourceData* nodepools = snapshot.store().find("nodepools", "karpenter.sh");

  for (Node& n : snapshot.nodes) {
    const StringMap& labels = n.meta.labels;
    for (const GroupLabel& gl : k_group_labels) {
      const auto it = labels.find(gl.label);
      if (it != labels.end()) {
        n.group = it->second;
        n.group_label = std::string(gl.label);
        n.provider = std::string(gl.provider);
        break;
      }
    }
    for (const char* key : {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}) {
      if (const auto it = labels.find(key); it != labels.end() && n.zone.empty()) {
        n.zone = it->second;
      }
    }
    for (const char* key : {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"}) {
      if (const auto it = labels.find(key); it != labels.end() && n.region.empty()) {
        n.region = it->second;
      }
    }
    for (const char* key : {"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"}) {
      if (const auto it = labels.find(key); it != labels.end() && n.instance_type.empty()) {
        n.instance_type = it->second;
      }
    }
    if (const auto it = n.meta.annotations.find("cluster-autoscaler.kubernetes.io/scale-down-disabled");
        it != n.meta.annotations.end() && it->second == "true") {
      n.scale_down_disabled = true;
    }

    if (n.provider == "karpenter" || labels.contains("karpenter.sh/registered") ||
        labels.contains("karpenter.k8s.aws/instance-family")) {
      n.autoscaling = Autoscaling::autoscaled;
      n.autoscaling_reason = n.group.empty()
                               ? std::string("node carries Karpenter labels: Karpenter adds and removes such nodes")
                               : fmt::format("Karpenter NodePool {} (label {}): Karpenter adds, consolidates and removes these nodes",
                                             n.group, n.group_label);
      if (n.provider.empty()) {
        n.provider = "karpenter";
      }
      continue;
    }
    bool matched = false;
    for (const std::string& g : ca_groups) {
      if (group_matches(g, n.group) || (n.group.empty() && group_matches(g, n.meta.name))) {
        n.autoscaling = Autoscaling::autoscaled;
        n.autoscaling_reason = fmt::format(
          "node group {} is managed by the Cluster Autoscaler (group {} in ConfigMap kube-system/cluster-autoscaler-status)",
          n.group, g);
        matched = true;
        break;
      }
    }
    if (matched) {
      continue;
    }
    if (!ca_groups.empty() && !n.group.empty()) {
      n.autoscaling = Autoscaling::fixed;
      n.autoscaling_reason = fmt::format(
        "node group {} is not among the Cluster Autoscaler's groups ({})", n.group, fmt::join(ca_groups, ", "));
    }
  }
  // With no status ConfigMap, nothing scales nodes unless a Cluster Autoscaler or Karpenter
  // runs without one: only say `fixed` when kube-system's ConfigMaps and workloads were seen.
  const Coverage& cms = snapshot.coverage("configmaps");
  const bool kube_system_seen = cms.usable() && !cms.refused.contains("kube-system") &&
                                snapshot.find_namespace("kube-system") != nullptr;
  const bool karpenter_installed =
    (nodepools != nullptr && !nodepools->objects.empty()) ||
    std::any_of(snapshot.workloads.begin(), snapshot.workloads.end(), [](const Workload& w) {
      return w.meta.name.find("karpenter") != std::string::npos;
    });
  const Workload* ca_workload = nullptr;
  for (const Workload& w : snapshot.workloads) {
    if (w.meta.name.find("cluster-autoscaler") != std::string::npos) {
      ca_workload = &w;
    }
  }
  if (ca_status == nullptr) {
    for (Node& n : snapshot.nodes) {
      if (n.autoscaling != Autoscaling::unknown) {
        continue;
      }
      if (ca_workload != nullptr) {
        n.autoscaling_reason = fmt::format(
          "{} {}/{} runs but ConfigMap kube-system/cluster-autoscaler-status was not found, so its node groups are unknown",
          ca_workload->kind, ca_workload->meta.namespace_, ca_workload->meta.name);
      } else if (karpenter_installed) {
        n.autoscaling_reason = "Karpenter is installed; this node has no Karpenter labels, but its group's scaling is unknown";
      } else if (kube_system_seen) {
        n.autoscaling = Autoscaling::fixed;
        n.autoscaling_reason =
          "no Cluster Autoscaler status ConfigMap in kube-system, no autoscaler workload and no Karpenter: nothing scales nodes automatically";
      } else {
        n.autoscaling_reason = "ConfigMaps in kube-system were not collected, so the Cluster Autoscaler's node groups are unknown";
      }
    }
  } else if (ca_groups.empty()) {
    for (Node& n : snapshot.nodes) {
      if (n.autoscaling == Autoscaling::unknown) {
        n.autoscaling_reason = "ConfigMap kube-system/cluster-autoscaler-status lists no node groups that could be read";
      }
    }
  } else {
    for (Node& n : snapshot.nodes) {
      if (n.autoscaling == Autoscaling::unknown && n.group.empty()) {
        n.autoscaling_reason = "node has no node-group label to match against the Cluster Autoscaler's groups";
      }
    }
  }
}

} // namespace cva
