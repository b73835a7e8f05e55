#include "matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace cva::netpol {

namespace {

struct Candidates
{
  std::vector<const Peer*> peers;       // selector peers that can match a pod of the namespace
  std::vector<const Policy*> policies;  // their policies, in step
};

} // namespace

PortSet Matrix::ports(std::size_t from, std::size_t to) const
{
  const auto it = std::lower_bound(connections.begin(), connections.end(), std::pair{from, to},
                                   [](const ClassConnection& c, const std::pair<std::size_t, std::size_t>& key) {
                                     return std::pair{c.from, c.to} < key;
                                   });
  if (it != connections.end() && it->from == from && it->to == to) {
    return it->ports;
  }
  return PortSet::none();
}

Matrix compute_matrix(const Engine& engine)
{
  Matrix out;
  const auto& endpoints = engine.endpoints();
  const auto& peers = engine.peers();
  // Where each peer sits, to find the policy it belongs to.
  std::vector<const Policy*> owner(peers.size(), nullptr);
  std::set<std::string> port_names;
  std::vector<const Peer*> block_peers;
  for (const Policy& policy : engine.policies()) {
    for (const auto* rules : {&policy.ingress_rules, &policy.egress_rules}) {
      for (const Rule& rule : *rules) {
        for (const Peer& peer : rule.peers) {
          owner[peer.id] = &policy;
          if (peer.ip_block) {
            block_peers.push_back(&peer);
          }
        }
        for (const RulePort& rp : rule.ports) {
          if (!rp.name.empty()) {
            port_names.insert(rp.name);
          }
        }
      }
    }
  }
  // Per namespace, the selector peers that can match one of its pods at all: a pod is told apart
  // from its neighbours only by these.
  std::unordered_map<std::string, Candidates> candidates;
  const auto candidates_of = [&](const std::string& ns) -> const Candidates& {
    auto [it, inserted] = candidates.try_emplace(ns);
    if (inserted) {
      for (const Peer* peer : peers) {
        if (peer->ip_block) {
          continue;
        }
        const Policy* policy = owner[peer->id];
        const bool reachable = peer->namespace_selector
                                 ? engine.match_namespace(*peer->namespace_selector, ns) != Match::no
                                 : policy->namespace_ == ns;
        if (reachable) {
          it->second.peers.push_back(peer);
          it->second.policies.push_back(policy);
        }
      }
    }
    return it->second;
  };

  // Per class, how every peer matches its pods (Match values, indexed by peer id).
  std::vector<std::vector<Match>> table;
  std::unordered_map<std::string, std::size_t> by_key;
  out.class_of.resize(endpoints.size());
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const Endpoint& e = endpoints[i];
    std::string key = e.namespace_;
    key += '\0';
    key += e.host_network ? 'h' : 'p';
    for (const Policy* p : engine.policies_in(e.namespace_)) {
      key += (!e.host_network && p->pod_selector.matches(*e.labels)) ? '1' : '0';
    }
    key += '|';
    std::vector<std::pair<std::size_t, Match>> row;
    const Candidates& c = candidates_of(e.namespace_);
    for (std::size_t k = 0; k < c.peers.size(); ++k) {
      const Match m = engine.match(*c.peers[k], *c.policies[k], e);
      key += static_cast<char>('0' + static_cast<int>(m));
      row.emplace_back(c.peers[k]->id, m);
    }
    key += '|';
    for (const Peer* peer : block_peers) {
      const Match m = engine.match(*peer, *owner[peer->id], e);
      key += static_cast<char>('0' + static_cast<int>(m));
      row.emplace_back(peer->id, m);
    }
    key += '|';
    if (e.containers != nullptr) {
      for (const std::string& name : port_names) {
        for (const Container& ct : *e.containers) {
          for (const ContainerPort& cp : ct.ports) {
            if (cp.name == name) {
              key += fmt::format("{}={}/{};", name, cp.port, cp.protocol);
            }
          }
        }
      }
    }
    auto [it, inserted] = by_key.try_emplace(std::move(key), out.classes.size());
    if (inserted) {
      PodClass pc;
      pc.id = out.classes.size();
      pc.namespace_ = e.namespace_;
      pc.host_network = e.host_network;
      pc.ingress_policies = engine.isolating(e, Direction::ingress);
      pc.egress_policies = engine.isolating(e, Direction::egress);
      std::vector<Match> matches(peers.size(), Match::no);
      for (const auto& [id, m] : row) {
        matches[id] = m;
        if (m == Match::unknown) {
          std::string doubt;
          engine.match(*peers[id], *owner[id], e, &doubt);
          if (std::find(pc.doubts.begin(), pc.doubts.end(), doubt) == pc.doubts.end()) {
            pc.doubts.push_back(std::move(doubt));
          }
        }
      }
      table.push_back(std::move(matches));
      out.classes.push_back(std::move(pc));
    }
    out.classes[it->second].members.push_back(i);
    out.class_of[i] = it->second;
  }

  for (const PodClass& from : out.classes) {
    const Endpoint& source = endpoints[from.members.front()];
    for (const PodClass& to : out.classes) {
      const Endpoint& destination = endpoints[to.members.front()];
      PortSet ports;
      if (from.egress_policies.empty() && to.ingress_policies.empty()) {
        ports = PortSet::all();
      } else {
        const auto& to_row = table[to.id];
        const auto& from_row = table[from.id];
        const SideVerdict egress = engine.evaluate(
          source, Direction::egress, from.egress_policies, &destination,
          [&](const Peer& peer, const Policy&, std::string*) { return to_row[peer.id]; }, false);
        if (egress.ports.empty()) {
          continue;
        }
        const SideVerdict ingress = engine.evaluate(
          destination, Direction::ingress, to.ingress_policies, &destination,
          [&](const Peer& peer, const Policy&, std::string*) { return from_row[peer.id]; }, false);
        ports = egress.ports.intersect(ingress.ports);
      }
      if (!ports.empty()) {
        out.connections.push_back(ClassConnection{from.id, to.id, std::move(ports)});
      }
    }
  }
  for (const PodClass& pc : out.classes) {
    const Endpoint& rep = endpoints[pc.members.front()];
    for (Direction d : {Direction::egress, Direction::ingress}) {
      for (AddressGrant& g : engine.addresses(rep, d).grants) {
        (d == Direction::egress ? out.egress : out.ingress)
          .push_back(AddressConnection{pc.id, std::move(g.addresses), std::move(g.ports)});
      }
    }
  }
  return out;
}

} // namespace cva::netpol
