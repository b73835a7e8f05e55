#include "policy.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cva::netpol {

namespace {

// An optional selector member: absent or null is nullopt, `{}` selects everything.
Result<std::optional<LabelSelector>> optional_selector(const Json& peer, std::string_view key)
{
  const Json& value = json_at(peer, key);
  if (value.is_null()) {
    return std::optional<LabelSelector>();
  }
  if (!value.is_object()) {
    return fail(fmt::format("{} is not an object", key));
  }
  auto selector = LabelSelector::from_json(value);
  if (!selector) {
    return fail(fmt::format("{}: {}", key, selector.error().message));
  }
  return std::optional<LabelSelector>(std::move(*selector));
}

Result<IpBlock> parse_ip_block(const Json& value)
{
  IpBlock block;
  auto cidr = parse_cidr(json_string(value, "cidr"));
  if (!cidr) {
    return fail("ipBlock: " + cidr.error().message);
  }
  block.cidr = *cidr;
  block.addresses = AddressSet::of(*cidr);
  std::vector<std::string> excepts;
  for (const Json& e : json_array(value, "except")) {
    auto ex = parse_cidr(e.is_string() ? e.get<std::string>() : std::string());
    if (!ex) {
      return fail("ipBlock except: " + ex.error().message);
    }
    // The API server requires every exception inside the block.
    if (ex->address.family != cidr->address.family || ex->prefix < cidr->prefix || ex->first() < cidr->first() ||
        ex->last() > cidr->last()) {
      return fail(fmt::format("ipBlock except {} is not inside {}", ex->to_string(), cidr->to_string()));
    }
    block.except.push_back(*ex);
    block.addresses = block.addresses.subtract(AddressSet::of(*ex));
    excepts.push_back(ex->to_string());
  }
  block.text = excepts.empty() ? cidr->to_string()
                               : fmt::format("{} except {}", cidr->to_string(), fmt::join(excepts, ", "));
  return block;
}

Result<Peer> parse_peer(const Json& value)
{
  if (!value.is_object()) {
    return fail("a peer is not an object");
  }
  Peer peer;
  auto pods = optional_selector(value, "podSelector");
  if (!pods) {
    return fail(pods.error().message);
  }
  auto namespaces = optional_selector(value, "namespaceSelector");
  if (!namespaces) {
    return fail(namespaces.error().message);
  }
  peer.pod_selector = std::move(*pods);
  peer.namespace_selector = std::move(*namespaces);
  if (const Json& block = json_at(value, "ipBlock"); !block.is_null()) {
    if (peer.pod_selector || peer.namespace_selector) {
      return fail("a peer may not combine ipBlock with a selector");
    }
    auto parsed = parse_ip_block(block);
    if (!parsed) {
      return fail(parsed.error().message);
    }
    peer.ip_block = std::move(*parsed);
  }
  if (!peer.pod_selector && !peer.namespace_selector && !peer.ip_block) {
    return fail("a peer must set podSelector, namespaceSelector or ipBlock");
  }
  return peer;
}

Result<RulePort> parse_port(const Json& value)
{
  RulePort out;
  const std::string protocol = json_string(value, "protocol", "TCP");
  const auto p = parse_protocol(protocol);
  if (!p || protocol != to_string(*p)) {
    return fail(fmt::format("unsupported protocol \"{}\" (TCP, UDP or SCTP)", protocol));
  }
  out.protocol = *p;
  const Json& port = json_at(value, "port");
  if (port.is_number_integer()) {
    const auto n = port.get<std::int64_t>();
    if (n < 1 || n > 65535) {
      return fail(fmt::format("port {} is out of range", n));
    }
    out.port = static_cast<std::uint32_t>(n);
  } else if (port.is_string()) {
    out.name = port.get<std::string>();
    if (out.name.empty() || std::none_of(out.name.begin(), out.name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      return fail(fmt::format("port \"{}\" is neither a number nor a port name", out.name));
    }
  } else if (!port.is_null()) {
    return fail("port is neither a number nor a name");
  }
  if (const Json& end = json_at(value, "endPort"); !end.is_null()) {
    if (!end.is_number_integer() || !out.port) {
      return fail("endPort needs a numeric port");
    }
    const auto n = end.get<std::int64_t>();
    if (n < static_cast<std::int64_t>(*out.port) || n > 65535) {
      return fail(fmt::format("endPort {} is below port {} or out of range", n, *out.port));
    }
    out.end_port = static_cast<std::uint32_t>(n);
  }
  return out;
}

Result<std::vector<Rule>> parse_rules(const Json& spec, Direction d)
{
  const std::string_view key = d == Direction::ingress ? "ingress" : "egress";
  const std::string_view peers_key = d == Direction::ingress ? "from" : "to";
  std::vector<Rule> rules;
  const Json& list = json_at(spec, key);
  if (!list.is_null() && !list.is_array()) {
    return fail(fmt::format("spec.{} is not a list", key));
  }
  for (const Json& r : json_array(spec, key)) {
    Rule rule;
    rule.index = rules.size();
    const std::string where = fmt::format("spec.{}[{}]", key, rule.index);
    if (!r.is_object()) {
      return fail(where + " is not an object");
    }
    const Json& peers = json_at(r, peers_key);
    rule.any_peer = !peers.is_array() || peers.empty();
    for (const Json& p : json_array(r, peers_key)) {
      auto peer = parse_peer(p);
      if (!peer) {
        return fail(fmt::format("{}.{}: {}", where, peers_key, peer.error().message));
      }
      rule.peers.push_back(std::move(*peer));
    }
    const Json& ports = json_at(r, "ports");
    rule.any_port = !ports.is_array() || ports.empty();
    for (const Json& p : json_array(r, "ports")) {
      auto port = parse_port(p);
      if (!port) {
        return fail(fmt::format("{}.ports: {}", where, port.error().message));
      }
      rule.ports.push_back(std::move(*port));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

} // namespace

std::string_view to_string(Direction direction)
{
  return direction == Direction::ingress ? "ingress" : "egress";
}

std::string Policy::describe() const
{
  return fmt::format("NetworkPolicy {}/{}", namespace_, name);
}

std::string describe(const std::vector<const Policy*>& policies)
{
  std::vector<std::string> names;
  for (const Policy* p : policies) {
    names.push_back(p->describe());
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

Result<Policy> parse_policy(const NetworkPolicy& object)
{
  Policy out;
  out.object = &object;
  out.namespace_ = object.meta.namespace_;
  out.name = object.meta.name;
  const auto error = [&](const std::string& message) {
    return fail(fmt::format("NetworkPolicy {}/{}: {}", out.namespace_, out.name, message));
  };
  static const Json k_null;
  const Json& spec = object.raw != nullptr ? json_at(*object.raw, "spec") : k_null;
  if (!spec.is_object()) {
    return error("spec is missing");
  }
  if (const Json& selector = json_at(spec, "podSelector"); selector.is_object()) {
    auto parsed = LabelSelector::from_json(selector);
    if (!parsed) {
      return error("podSelector: " + parsed.error().message);
    }
    out.pod_selector = std::move(*parsed);
  }
  auto ingress = parse_rules(spec, Direction::ingress);
  if (!ingress) {
    return error(ingress.error().message);
  }
  auto egress = parse_rules(spec, Direction::egress);
  if (!egress) {
    return error(egress.error().message);
  }
  out.ingress_rules = std::move(*ingress);
  out.egress_rules = std::move(*egress);
  const Json& types = json_at(spec, "policyTypes");
  if (!types.is_array() || types.empty()) {
    out.types_implied = true;
    out.ingress = true;
    out.egress = !out.egress_rules.empty();
  } else {
    for (const Json& t : types) {
      const std::string type = t.is_string() ? t.get<std::string>() : std::string();
      if (type == "Ingress") {
        out.ingress = true;
      } else if (type == "Egress") {
        out.egress = true;
      } else {
        return error(fmt::format("unknown policy type \"{}\"", type));
      }
    }
  }
  return out;
}

} // namespace cva::netpol
