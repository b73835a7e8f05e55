#pragma once

#include <core/model/labels.hpp>
#include <core/model/snapshot.hpp>
#include <core/netpol/address.hpp>
#include <core/netpol/ports.hpp>
#include <core/util/result.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cva::netpol {

enum class Direction
{
  ingress,
  egress,
};

std::string_view to_string(Direction direction); // `ingress` or `egress`

// An `ipBlock` peer: a CIDR minus its exceptions.
struct IpBlock
{
  Cidr cidr;
  std::vector<Cidr> except;
  AddressSet addresses;
  std::string text; // `10.0.0.0/8 except 10.1.0.0/16`
};

// One `from`/`to` peer. Absent selectors are nullopt; `{}` is an empty selector (everything).
// The API server admits exactly these shapes: podSelector, namespaceSelector, both, or ipBlock.
struct Peer
{
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  std::size_t id = 0; // position among all peers of the engine, for lookups
};

// One entry of a rule's `ports`. With neither `port` nor `name`, every port of the protocol.
struct RulePort
{
  Protocol protocol = Protocol::tcp;
  std::optional<std::uint32_t> port;
  std::optional<std::uint32_t> end_port;
  std::string name; // a named port, resolved against the destination pod's containers
};

// One ingress or egress rule.
struct Rule
{
  bool any_peer = false; // `from`/`to` absent or empty: every source or destination
  std::vector<Peer> peers;
  bool any_port = false; // `ports` absent or empty: every port and protocol
  std::vector<RulePort> ports;
  std::size_t index = 0; // position in spec.ingress or spec.egress
};

// A NetworkPolicy with its spec parsed and its policy types settled.
struct Policy
{
  const NetworkPolicy* object = nullptr;
  std::string namespace_;
  std::string name;
  LabelSelector pod_selector = LabelSelector::everything();
  bool ingress = false; // isolates selected pods for ingress
  bool egress = false;  // isolates selected pods for egress
  bool types_implied = false; // policyTypes was absent or empty
  std::vector<Rule> ingress_rules;
  std::vector<Rule> egress_rules;

  // `NetworkPolicy ns/name`.
  std::string describe() const;
  bool isolates(Direction d) const { return d == Direction::ingress ? ingress : egress; }
  const std::vector<Rule>& rules(Direction d) const { return d == Direction::ingress ? ingress_rules : egress_rules; }
};

// `NetworkPolicy a/b, NetworkPolicy c/d`.
std::string describe(const std::vector<const Policy*>& policies);

// Appends the items of `from` that `into` lacks, keeping order.
template<typename T>
void append_unique(std::vector<T>& into, const std::vector<T>& from)
{
  for (const T& item : from) {
    if (std::find(into.begin(), into.end(), item) == into.end()) {
      into.push_back(item);
    }
  }
}

// Parses `object`'s spec (from its raw JSON) with the API's defaults: policyTypes absent means
// Ingress, plus Egress when egress rules exist; an absent podSelector selects every pod of the
// namespace; a port's protocol defaults to TCP. Shapes the API server would refuse (an unknown
// policy type or operator, a bad CIDR, an empty peer, ipBlock beside a selector, endPort with a
// named port or below port) are an error naming the policy.
Result<Policy> parse_policy(const NetworkPolicy& object);

} // namespace cva::netpol
