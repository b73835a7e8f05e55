#pragma once

#include <core/model/snapshot.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cva::netpol {

enum class Enforcement
{
  enforced,
  not_enforced,
  unknown,
};

std::string_view to_string(Enforcement enforcement);

// A network plugin or policy agent found in the cluster, and what it does with NetworkPolicy.
struct PolicyAgent
{
  std::string name;   // `Calico`, `AWS VPC CNI`, `flannel`, ...
  Enforcement enforcement = Enforcement::unknown;
  std::string detail; // the evidence: `DaemonSet kube-system/aws-node has no aws-eks-nodeagent container`
  const KubeObject* object = nullptr; // the DaemonSet (or a pod of it, or a node)
  std::string pointer; // JSON pointer of the evidence within the object
  std::string value;   // the value seen there
};

// Whether the cluster enforces NetworkPolicy, judged from the DaemonSets of every namespace (their
// pods when DaemonSets were not collected) and AKS's node label
// kubernetes.azure.com/network-policy: enforced when any agent enforces (Calico, Cilium, Antrea,
// Weave Net with weave-npc, kube-router, GKE Dataplane V2, Azure NPM, the AWS VPC CNI's network
// policy agent, OVN-Kubernetes, Kube-OVN), not enforced when only non-enforcing plugins are seen
// (flannel, the AWS VPC CNI without its agent, Weave Net without weave-npc), unknown otherwise.
struct EnforcementReport
{
  Enforcement enforcement = Enforcement::unknown;
  std::vector<PolicyAgent> agents;
  std::string summary; // one line: which agent decides, or why nothing does
  bool seen = false;   // DaemonSets (or their pods) were in the input
};

EnforcementReport detect_enforcement(const Snapshot& snapshot);

// A kind of policy beyond networking.k8s.io/v1 that can change what NetworkPolicies allow.
struct ExtendedKind
{
  std::string_view plural;
  std::string_view group;
  std::string_view kind;
  bool cluster_wide = false;
  std::string_view engine; // the agent that applies it: Cilium, Calico, Antrea, or AdminNetworkPolicy
};

// Cilium, Calico (CRD and API-server forms), Antrea and AdminNetworkPolicy kinds.
const std::vector<ExtendedKind>& extended_kinds();

struct ExtendedObject
{
  const ExtendedKind* kind = nullptr;
  std::string namespace_; // empty for cluster-wide kinds
  std::string name;
  std::string path;       // bundle path
};

// Extended policy objects in the input, and whether their absence is established.
struct ExtendedPolicies
{
  std::vector<ExtendedObject> objects;
  bool cluster_wide = false;        // an object applies across namespaces
  std::set<std::string> namespaces; // namespaces holding namespaced objects
  // Agents that apply extended policies whose objects were not in the input
  // (`Cilium runs but CiliumNetworkPolicies were not collected`).
  std::vector<std::string> unseen;
  // True when, for every kind, the objects were collected, its CRD is known to be absent, or no
  // agent that applies it runs; `absence_reason` says which when false.
  bool absence_known = false;
  std::string absence_reason;

  // Why a path from namespace `from` to namespace `to` (either empty for addresses outside the
  // cluster) could be changed by extended policies; empty when it cannot.
  std::vector<std::string> doubts(std::string_view from, std::string_view to) const;
};

ExtendedPolicies find_extended_policies(const Snapshot& snapshot, const EnforcementReport& enforcement);

} // namespace cva::netpol
