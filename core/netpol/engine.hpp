#pragma once

#include <core/model/snapshot.hpp>
#include <core/netpol/address.hpp>
#include <core/netpol/policy.hpp>
#include <core/netpol/ports.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva::netpol {

// The namespace label the API server sets on every namespace; treated as present even when the
// input's Namespace objects lack it (plain manifests) or were not collected.
inline constexpr std::string_view k_namespace_name_label = "kubernetes.io/metadata.name";

// A pod, or a workload's pod template (for a workload with no pod in the input), as the engine
// sees it.
struct Endpoint
{
  const Pod* pod = nullptr;           // nullptr for a template
  const KubeObject* object = nullptr; // the pod, or the workload of the template
  std::string namespace_;
  std::string name;
  const StringMap* labels = nullptr;
  const std::vector<Container>* containers = nullptr;
  std::vector<IpAddress> ips; // status.podIPs (the node's address for hostNetwork pods)
  bool host_network = false;

  // `pod ns/name`, or `Deployment ns/name (pod template)`.
  std::string describe() const;
  // `ns/name`.
  std::string qualified_name() const { return namespace_ + "/" + name; }
};

// Whether a peer matches an endpoint. `unknown` when the input lacks what decides it (the
// namespace's labels, the pod's IP); the engine then counts the peer as not matching and records
// a doubt, since such a peer can only ever open more traffic.
enum class Match : std::uint8_t
{
  no,
  yes,
  unknown,
};

// One rule that let traffic through, with what it allowed for this pair.
struct Grant
{
  const Policy* policy = nullptr;
  std::size_t rule = 0;
  PortSet ports;
};

// What one side of a connection (the source's egress or the destination's ingress) allows.
struct SideVerdict
{
  Direction direction = Direction::egress;
  bool host_network = false; // outside NetworkPolicy altogether
  bool isolated = false;     // some policy of this direction selects the pod
  std::vector<const Policy*> policies; // the policies isolating it in this direction
  std::vector<Grant> grants;           // rules whose peers match the other end
  PortSet ports;                       // every port and protocol when not isolated
  std::vector<std::string> doubts;     // peers that could not be decided
};

// The verdict on traffic from one endpoint to another: both sides and their intersection.
struct PairVerdict
{
  SideVerdict egress;  // of the source
  SideVerdict ingress; // of the destination
  PortSet ports;       // egress.ports ∩ ingress.ports

  bool doubtful() const { return !egress.doubts.empty() || !ingress.doubts.empty(); }
};

// Addresses (matched by ipBlock, or by a rule open to every peer) with the ports allowed to or
// from them, and the policies whose rules allow it.
struct AddressGrant
{
  AddressSet addresses;
  PortSet ports;
  std::vector<const Policy*> policies;
};

// What an endpoint's egress allows to addresses, or its ingress allows from them. The grants'
// address sets are disjoint; addresses in none of them are denied.
struct AddressVerdict
{
  Direction direction = Direction::egress;
  bool host_network = false;
  bool isolated = false;
  std::vector<const Policy*> policies;
  std::vector<AddressGrant> grants;

  // The ports allowed to or from `address`.
  PortSet ports_for(const IpAddress& address) const;
  // The addresses allowed on every port of `ports`.
  AddressSet addresses_for(const PortSet& ports) const;
};

// The NetworkPolicy reachability engine over one snapshot: networking.k8s.io/v1 semantics
// exactly (see parse_policy for the defaults). Traffic is allowed when the source's egress and
// the destination's ingress both allow it; a pod is isolated in a direction only when a policy
// of that type selects it; hostNetwork pods are outside policy (never isolated, never matched by
// selectors, matched by ipBlock on the node's address). The snapshot must outlive the engine.
class Engine
{
public:
  // Parses every NetworkPolicy (one the API server would refuse is skipped and listed in
  // problems()) and makes an endpoint of every pod that can hold a connection (not Succeeded or
  // Failed).
  explicit Engine(const Snapshot& snapshot);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Snapshot& snapshot() const { return *m_snapshot; }
  const std::vector<Policy>& policies() const { return m_policies; }
  const std::vector<Endpoint>& endpoints() const { return m_endpoints; }
  // Every peer of every rule, indexed by Peer::id.
  const std::vector<const Peer*>& peers() const { return m_peers; }
  // Policies that could not be parsed, one line each.
  const std::vector<std::string>& problems() const { return m_problems; }

  // The endpoint of `pod`, or nullptr when the pod holds no connection.
  const Endpoint* find(const Pod& pod) const;
  // An endpoint for a workload's pod template (no IP, the template's labels and ports).
  static Endpoint template_endpoint(const Workload& workload);

  // Labels of namespace `ns` with kubernetes.io/metadata.name set; `known` tells whether the
  // namespace object itself was in the input.
  const StringMap& namespace_labels(std::string_view ns, bool* known = nullptr) const;
  // Whether `selector` (a peer's namespaceSelector) matches namespace `ns`; `unknown` when the
  // selector reads labels other than kubernetes.io/metadata.name of a namespace not in the input.
  Match match_namespace(const LabelSelector& selector, std::string_view ns) const;
  // Whether `peer` of `policy` matches `endpoint`; `doubt` (if given) receives the reason for
  // an `unknown`.
  Match match(const Peer& peer, const Policy& policy, const Endpoint& endpoint, std::string* doubt = nullptr) const;

  // The policies of `direction` selecting `endpoint` (none for hostNetwork pods).
  std::vector<const Policy*> isolating(const Endpoint& endpoint, Direction direction) const;
  // Policies in namespace `ns`.
  std::vector<const Policy*> policies_in(std::string_view ns) const;

  // The ports `rule` allows towards `destination` (named ports resolved against its containers;
  // with no destination pod, named ports allow nothing).
  static PortSet rule_ports(const Rule& rule, const Endpoint* destination);

  // Traffic from `source` to `destination`, with the deciding policies.
  PairVerdict between(const Endpoint& source, const Endpoint& destination) const;
  // `subject`'s egress to addresses, or its ingress from them.
  AddressVerdict addresses(const Endpoint& subject, Direction direction) const;

  // One side of a connection, for a subject whose isolating policies are known, with peers
  // matched by `match(peer, policy, doubt)`: the building block of between() and of the
  // class-based matrix. `destination` resolves named ports. Grants are filled only when
  // `with_grants`.
  template<typename MatchPeer>
  SideVerdict evaluate(const Endpoint& subject, Direction direction, const std::vector<const Policy*>& isolating,
                       const Endpoint* destination, MatchPeer&& match, bool with_grants) const;

private:
  const Snapshot* m_snapshot;
  std::vector<Policy> m_policies;
  std::vector<Endpoint> m_endpoints;
  std::vector<const Peer*> m_peers;
  std::vector<std::string> m_problems;
  std::map<const Pod*, std::size_t> m_by_pod;
  std::map<std::string, std::vector<std::size_t>, std::less<>> m_policies_by_namespace;
  std::map<std::string, StringMap, std::less<>> m_namespace_labels;
  std::map<std::string, bool, std::less<>> m_namespace_known;
};

// --- Inline implementations ---

template<typename MatchPeer>
SideVerdict Engine::evaluate(const Endpoint& subject, Direction direction, const std::vector<const Policy*>& isolating,
                             const Endpoint* destination, MatchPeer&& match, bool with_grants) const
{
  SideVerdict out;
  out.direction = direction;
  if (subject.host_network || isolating.empty()) {
    out.host_network = subject.host_network;
    out.ports = PortSet::all();
    return out;
  }
  out.isolated = true;
  out.policies = isolating;
  for (const Policy* policy : isolating) {
    for (const Rule& rule : policy->rules(direction)) {
      bool hit = rule.any_peer;
      for (std::size_t i = 0; !hit && i < rule.peers.size(); ++i) {
        std::string doubt;
        const Match m = match(rule.peers[i], *policy, &doubt);
        hit = m == Match::yes;
        if (m == Match::unknown && !doubt.empty() &&
            std::find(out.doubts.begin(), out.doubts.end(), doubt) == out.doubts.end()) {
          out.doubts.push_back(std::move(doubt));
        }
      }
      if (!hit) {
        continue;
      }
      PortSet ports = rule_ports(rule, destination);
      if (ports.empty()) {
        continue;
      }
      out.ports.unite(ports);
      if (with_grants) {
        out.grants.push_back(Grant{policy, rule.index, std::move(ports)});
      }
    }
  }
  return out;
}

} // namespace cva::netpol
