#include "engine.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cva::netpol {

namespace {

std::vector<IpAddress> pod_ips(const Pod& pod)
{
  std::vector<IpAddress> out;
  const auto add = [&](const std::string& text) {
    if (const auto ip = parse_ip(text); ip && std::find(out.begin(), out.end(), *ip) == out.end()) {
      out.push_back(*ip);
    }
  };
  add(pod.pod_ip);
  if (pod.raw != nullptr) {
    for (const Json& entry : json_array(json_at(*pod.raw, "status"), "podIPs")) {
      add(json_string(entry, "ip"));
    }
  }
  return out;
}

bool holds_connections(const Pod& pod)
{
  return pod.phase != "Succeeded" && pod.phase != "Failed";
}

} // namespace

std::string Endpoint::describe() const
{
  if (pod != nullptr || object == nullptr) {
    return fmt::format("pod {}/{}", namespace_, name);
  }
  return fmt::format("{} {}/{} (pod template)", object->kind, namespace_, name);
}

PortSet AddressVerdict::ports_for(const IpAddress& address) const
{
  for (const AddressGrant& g : grants) {
    if (g.addresses.contains(address)) {
      return g.ports;
    }
  }
  return PortSet::none();
}

AddressSet AddressVerdict::addresses_for(const PortSet& ports) const
{
  AddressSet out;
  for (const AddressGrant& g : grants) {
    if (g.ports.covers(ports)) {
      out.unite(g.addresses);
    }
  }
  return out;
}

Engine::Engine(const Snapshot& snapshot) : m_snapshot(&snapshot)
{
  for (const NetworkPolicy& np : snapshot.network_policies) {
    auto parsed = parse_policy(np);
    if (!parsed) {
      m_problems.push_back(parsed.error().message);
      continue;
    }
    m_policies.push_back(std::move(*parsed));
  }
  for (std::size_t i = 0; i < m_policies.size(); ++i) {
    Policy& p = m_policies[i];
    m_policies_by_namespace[p.namespace_].push_back(i);
    for (auto* rules : {&p.ingress_rules, &p.egress_rules}) {
      for (Rule& r : *rules) {
        for (Peer& peer : r.peers) {
          peer.id = m_peers.size();
          m_peers.push_back(&peer);
        }
      }
    }
  }
  const bool namespaces_seen = snapshot.coverage("namespaces").usable();
  for (const Namespace& ns : snapshot.namespaces) {
    StringMap labels = ns.meta.labels;
    labels[std::string(k_namespace_name_label)] = ns.meta.name;
    m_namespace_labels[ns.meta.name] = std::move(labels);
    m_namespace_known[ns.meta.name] = namespaces_seen;
  }
  for (const Pod& pod : snapshot.pods) {
    if (!holds_connections(pod)) {
      continue;
    }
    Endpoint e;
    e.pod = &pod;
    e.object = &pod;
    e.namespace_ = pod.meta.namespace_;
    e.name = pod.meta.name;
    e.labels = &pod.meta.labels;
    e.containers = &pod.spec.containers;
    e.ips = pod_ips(pod);
    e.host_network = pod.spec.host_network;
    m_by_pod[&pod] = m_endpoints.size();
    m_endpoints.push_back(std::move(e));
  }
  const auto ensure_namespace = [&](const std::string& ns) {
    if (!m_namespace_labels.contains(ns)) {
      m_namespace_labels[ns] = StringMap{{std::string(k_namespace_name_label), ns}};
      m_namespace_known[ns] = false;
    }
  };
  for (const Endpoint& e : m_endpoints) {
    ensure_namespace(e.namespace_);
  }
  for (const Policy& p : m_policies) {
    ensure_namespace(p.namespace_);
  }
}

const Endpoint* Engine::find(const Pod& pod) const
{
  const auto it = m_by_pod.find(&pod);
  return it == m_by_pod.end() ? nullptr : &m_endpoints[it->second];
}

Endpoint Engine::template_endpoint(const Workload& workload)
{
  Endpoint e;
  e.object = &workload;
  e.namespace_ = workload.meta.namespace_;
  e.name = workload.meta.name;
  e.labels = &workload.template_meta.labels;
  e.containers = &workload.template_spec.containers;
  e.host_network = workload.template_spec.host_network;
  return e;
}

const StringMap& Engine::namespace_labels(std::string_view ns, bool* known) const
{
  const auto it = m_namespace_labels.find(ns);
  if (it == m_namespace_labels.end()) {
    // A namespace neither listed nor holding a pod or policy: only its name label is certain.
    thread_local StringMap scratch;
    scratch = StringMap{{std::string(k_namespace_name_label), std::string(ns)}};
    if (known != nullptr) {
      *known = false;
    }
    return scratch;
  }
  if (known != nullptr) {
    *known = m_namespace_known.find(ns)->second;
  }
  return it->second;
}

Match Engine::match_namespace(const LabelSelector& selector, std::string_view ns) const
{
  if (selector.matches_nothing()) {
    return Match::no;
  }
  bool known = false;
  const StringMap& labels = namespace_labels(ns, &known);
  if (known) {
    return selector.matches(labels) ? Match::yes : Match::no;
  }
  bool other_keys = false;
  for (const LabelRequirement& r : selector.requirements()) {
    if (r.key != k_namespace_name_label) {
      other_keys = true;
    } else if (!r.matches(labels)) {
      return Match::no;
    }
  }
  return other_keys ? Match::unknown : Match::yes;
}

Match Engine::match(const Peer& peer, const Policy& policy, const Endpoint& endpoint, std::string* doubt) const
{
  if (peer.ip_block) {
    if (endpoint.ips.empty()) {
      if (doubt != nullptr) {
        *doubt = fmt::format("{} has no IP address in the input, so ipBlock {} of {} could not be matched",
                             endpoint.describe(), peer.ip_block->text, policy.describe());
      }
      return Match::unknown;
    }
    const bool inside = std::any_of(endpoint.ips.begin(), endpoint.ips.end(),
                                    [&](const IpAddress& ip) { return peer.ip_block->addresses.contains(ip); });
    return inside ? Match::yes : Match::no;
  }
  if (endpoint.host_network) {
    return Match::no;
  }
  Match ns = Match::yes;
  if (peer.namespace_selector) {
    ns = match_namespace(*peer.namespace_selector, endpoint.namespace_);
  } else if (endpoint.namespace_ != policy.namespace_) {
    ns = Match::no;
  }
  if (ns == Match::no) {
    return Match::no;
  }
  if (peer.pod_selector && !peer.pod_selector->matches(*endpoint.labels)) {
    return Match::no;
  }
  if (ns == Match::unknown && doubt != nullptr) {
    *doubt = fmt::format("the labels of namespace {} are not in the input, so namespaceSelector {} of {} could "
                         "not be matched",
                         endpoint.namespace_, peer.namespace_selector->to_string(), policy.describe());
  }
  return ns;
}

std::vector<const Policy*> Engine::policies_in(std::string_view ns) const
{
  std::vector<const Policy*> out;
  if (const auto it = m_policies_by_namespace.find(ns); it != m_policies_by_namespace.end()) {
    for (std::size_t i : it->second) {
      out.push_back(&m_policies[i]);
    }
  }
  return out;
}

std::vector<const Policy*> Engine::isolating(const Endpoint& endpoint, Direction direction) const
{
  std::vector<const Policy*> out;
  if (endpoint.host_network) {
    return out;
  }
  for (const Policy* p : policies_in(endpoint.namespace_)) {
    if (p->isolates(direction) && p->pod_selector.matches(*endpoint.labels)) {
      out.push_back(p);
    }
  }
  return out;
}

PortSet Engine::rule_ports(const Rule& rule, const Endpoint* destination)
{
  if (rule.any_port) {
    return PortSet::all();
  }
  PortSet out;
  for (const RulePort& rp : rule.ports) {
    if (!rp.name.empty()) {
      if (destination == nullptr || destination->containers == nullptr) {
        continue;
      }
      for (const Container& c : *destination->containers) {
        for (const ContainerPort& cp : c.ports) {
          if (cp.name == rp.name && parse_protocol(cp.protocol) == rp.protocol && cp.port > 0) {
            out.unite(PortSet::single(rp.protocol, static_cast<std::uint32_t>(cp.port)));
          }
        }
      }
    } else if (rp.port) {
      out.unite(PortSet::range(rp.protocol, *rp.port, rp.end_port.value_or(*rp.port)));
    } else {
      out.unite(PortSet::every(rp.protocol));
    }
  }
  return out;
}

PairVerdict Engine::between(const Endpoint& source, const Endpoint& destination) const
{
  PairVerdict out;
  out.egress = evaluate(
    source, Direction::egress, isolating(source, Direction::egress), &destination,
    [&](const Peer& peer, const Policy& policy, std::string* doubt) { return match(peer, policy, destination, doubt); },
    true);
  out.ingress = evaluate(
    destination, Direction::ingress, isolating(destination, Direction::ingress), &destination,
    [&](const Peer& peer, const Policy& policy, std::string* doubt) { return match(peer, policy, source, doubt); },
    true);
  out.ports = out.egress.ports.intersect(out.ingress.ports);
  return out;
}

AddressVerdict Engine::addresses(const Endpoint& subject, Direction direction) const
{
  AddressVerdict out;
  out.direction = direction;
  out.policies = isolating(subject, direction);
  out.host_network = subject.host_network;
  if (out.policies.empty()) {
    out.grants.push_back(AddressGrant{AddressSet::all(), PortSet::all(), {}});
    return out;
  }
  out.isolated = true;
  // Named ports resolve against the destination: the subject itself for ingress, nothing (an
  // address is no pod) for egress.
  const Endpoint* destination = direction == Direction::ingress ? &subject : nullptr;
  for (const Policy* policy : out.policies) {
    for (const Rule& rule : policy->rules(direction)) {
      AddressSet reach = rule.any_peer ? AddressSet::all() : AddressSet::none();
      for (const Peer& peer : rule.peers) {
        if (peer.ip_block) {
          reach.unite(peer.ip_block->addresses);
        }
      }
      const PortSet ports = rule_ports(rule, destination);
      if (reach.empty() || ports.empty()) {
        continue;
      }
      // Split existing grants along `reach`, so that grants stay disjoint.
      std::vector<AddressGrant> next;
      AddressSet rest = reach;
      for (AddressGrant& g : out.grants) {
        AddressSet inside = g.addresses.intersect(reach);
        if (inside.empty()) {
          next.push_back(std::move(g));
          continue;
        }
        rest = rest.subtract(g.addresses);
        AddressSet outside = g.addresses.subtract(reach);
        if (!outside.empty()) {
          next.push_back(AddressGrant{std::move(outside), g.ports, g.policies});
        }
        AddressGrant merged{std::move(inside), g.ports, g.policies};
        merged.ports.unite(ports);
        if (std::find(merged.policies.begin(), merged.policies.end(), policy) == merged.policies.end()) {
          merged.policies.push_back(policy);
        }
        next.push_back(std::move(merged));
      }
      if (!rest.empty()) {
        next.push_back(AddressGrant{std::move(rest), ports, {policy}});
      }
      out.grants = std::move(next);
    }
  }
  // Grants with the same ports read better as one.
  std::vector<AddressGrant> merged;
  for (AddressGrant& g : out.grants) {
    const auto same =
      std::find_if(merged.begin(), merged.end(), [&](const AddressGrant& m) { return m.ports == g.ports; });
    if (same == merged.end()) {
      merged.push_back(std::move(g));
      continue;
    }
    same->addresses.unite(g.addresses);
    for (const Policy* p : g.policies) {
      if (std::find(same->policies.begin(), same->policies.end(), p) == same->policies.end()) {
        same->policies.push_back(p);
      }
    }
  }
  out.grants = std::move(merged);
  return out;
}

} // namespace cva::netpol
