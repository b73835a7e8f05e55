#include "render.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace cva::netpol {

namespace {

std::string question(const Target& from, const Target& to, const std::optional<PortQuery>& port)
{
  return fmt::format("{} -> {}{}", from.description, to.description, port ? " on " + port->to_string() : "");
}

Json policy_names(const std::vector<const Policy*>& policies)
{
  Json out = Json::array();
  for (const Policy* p : policies) {
    out.push_back(p->namespace_ + "/" + p->name);
  }
  return out;
}

// Classes holding the target's pods; nullopt when there is no pod filter.
std::optional<std::set<std::size_t>> class_filter(const Engine& engine, const Matrix& matrix,
                                                  const std::optional<Target>& target)
{
  if (!target || target->kind == Target::Kind::addresses) {
    return std::nullopt;
  }
  std::set<std::size_t> out;
  for (const Endpoint& e : target->endpoints) {
    if (e.pod == nullptr) {
      continue;
    }
    if (const Endpoint* found = engine.find(*e.pod)) {
      out.insert(matrix.class_of[static_cast<std::size_t>(found - engine.endpoints().data())]);
    }
  }
  return out;
}

struct Filtered
{
  std::optional<std::set<std::size_t>> from;
  std::optional<std::set<std::size_t>> to;
  bool pods_from = true; // connections from pods are wanted (no address source filter)
  bool pods_to = true;
};

Filtered make_filter(const Engine& engine, const Matrix& matrix, const MatrixFilter& filter)
{
  Filtered f;
  f.from = class_filter(engine, matrix, filter.from);
  f.to = class_filter(engine, matrix, filter.to);
  f.pods_from = !filter.from || filter.from->kind != Target::Kind::addresses;
  f.pods_to = !filter.to || filter.to->kind != Target::Kind::addresses;
  return f;
}

bool port_ok(const MatrixFilter& filter, const PortSet& ports)
{
  return !filter.port || ports.contains(filter.port->protocol, filter.port->port);
}

// The addresses of an address connection that the filter keeps (empty to drop it).
AddressSet address_part(const std::optional<Target>& target, const AddressSet& addresses)
{
  if (target && target->kind == Target::Kind::addresses) {
    return addresses.intersect(target->addresses);
  }
  return addresses;
}

std::string member_list(const Engine& engine, const PodClass& pc, std::size_t limit)
{
  std::vector<std::string> names;
  for (std::size_t i = 0; i < pc.members.size() && i < limit; ++i) {
    names.push_back(engine.endpoints()[pc.members[i]].name);
  }
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (pc.members.size() > limit) {
    out += fmt::format(" and {} more", pc.members.size() - limit);
  }
  return out;
}

std::string class_name(std::size_t id)
{
  return fmt::format("C{}", id + 1);
}

} // namespace

std::string answer_text(const Target& from, const Target& to, const std::optional<PortQuery>& port,
                        const Answer& answer)
{
  std::string out = fmt::format("{}: {}\n", question(from, to, port), to_string(answer.verdict));
  for (const std::string& note : answer.notes) {
    out += fmt::format("  note: {}\n", note);
  }
  for (const Leg& leg : answer.legs) {
    out += fmt::format("  {} -> {}{}: {}", leg.from, leg.to, leg.via.empty() ? "" : " via " + leg.via,
                       to_string(leg.verdict));
    if (!port && leg.via.empty() && leg.verdict != Verdict::denied) {
      out += leg.addresses.empty() ? fmt::format(" ({})", leg.allowed.to_string())
                                   : fmt::format(" (on every port to {})", leg.reachable.to_string());
    }
    out += "\n";
    for (const std::string& r : leg.reasons) {
      out += fmt::format("    {}\n", r);
    }
    for (const std::string& d : leg.doubts) {
      out += fmt::format("    unsure: {}\n", d);
    }
  }
  return out;
}

Json answer_json(const Target& from, const Target& to, const std::optional<PortQuery>& port, const Answer& answer)
{
  Json legs = Json::array();
  for (const Leg& leg : answer.legs) {
    Json l{{"from", leg.from},
           {"to", leg.to},
           {"verdict", to_string(leg.verdict)},
           {"wanted", leg.wanted.to_json()},
           {"allowed", leg.allowed.to_json()},
           {"reasons", leg.reasons},
           {"doubts", leg.doubts},
           {"allowed_by", policy_names(leg.allowed_by)},
           {"denied_by", policy_names(leg.denied_by)}};
    if (!leg.via.empty()) {
      l["via"] = leg.via;
    }
    if (!leg.addresses.empty()) {
      l["addresses"] = leg.addresses.to_json();
      l["reachable"] = leg.reachable.to_json();
    }
    legs.push_back(std::move(l));
  }
  Json q{{"from", from.text}, {"to", to.text}};
  if (port) {
    q["port"] = port->port;
    q["protocol"] = to_string(port->protocol);
  }
  return Json{{"format_version", k_netpol_format_version},
              {"query", std::move(q)},
              {"from", from.description},
              {"to", to.description},
              {"verdict", to_string(answer.verdict)},
              {"notes", answer.notes},
              {"legs", std::move(legs)}};
}

std::string matrix_text(const Engine& engine, const Matrix& matrix, const MatrixFilter& filter)
{
  const Filtered f = make_filter(engine, matrix, filter);
  std::string out = fmt::format("NetworkPolicy reachability: {} pod(s) in {} class(es), {} NetworkPolicy object(s)\n",
                                engine.endpoints().size(), matrix.classes.size(), engine.policies().size());
  for (const std::string& p : engine.problems()) {
    out += fmt::format("skipped: {}\n", p);
  }
  out += "\nClasses (pods that no policy tells apart):\n";
  for (const PodClass& pc : matrix.classes) {
    out += fmt::format("  {:<4} {}: {}\n", class_name(pc.id), pc.namespace_, member_list(engine, pc, 4));
    if (pc.host_network) {
      out += "       hostNetwork: outside NetworkPolicy, reached at the node's address\n";
    }
    for (const auto& [label, list] :
         {std::pair{"ingress", &pc.ingress_policies}, std::pair{"egress", &pc.egress_policies}}) {
      if (!list->empty()) {
        std::vector<std::string> names;
        for (const Policy* p : *list) {
          names.push_back(p->namespace_ + "/" + p->name);
        }
        out += fmt::format("       {} isolated by {}\n", label, fmt::join(names, ", "));
      }
    }
    for (const std::string& d : pc.doubts) {
      out += fmt::format("       unsure: {}\n", d);
    }
  }
  out += "\nPod to pod (source -> destinations: allowed ports):\n";
  if (f.pods_from && f.pods_to) {
    // One line per source and port set, listing its destinations.
    std::map<std::pair<std::size_t, std::string>, std::vector<std::string>> rows;
    for (const ClassConnection& c : matrix.connections) {
      if ((f.from && !f.from->contains(c.from)) || (f.to && !f.to->contains(c.to)) || !port_ok(filter, c.ports)) {
        continue;
      }
      rows[{c.from, c.ports.to_string()}].push_back(class_name(c.to));
    }
    for (const auto& [key, to] : rows) {
      out += fmt::format("  {} -> {}: {}\n", class_name(key.first), fmt::join(to, ", "), key.second);
    }
  }
  out += "\nPod to addresses:\n";
  for (const AddressConnection& c : matrix.egress) {
    const AddressSet part = address_part(filter.to, c.addresses);
    if (!f.pods_from || (f.from && !f.from->contains(c.pod_class)) || f.to || part.empty() || !port_ok(filter, c.ports)) {
      continue;
    }
    out += fmt::format("  {} -> {}: {}\n", class_name(c.pod_class), part.to_string(), c.ports.to_string());
  }
  out += "\nAddresses to pod:\n";
  for (const AddressConnection& c : matrix.ingress) {
    const AddressSet part = address_part(filter.from, c.addresses);
    if (!f.pods_to || (f.to && !f.to->contains(c.pod_class)) || f.from || part.empty() || !port_ok(filter, c.ports)) {
      continue;
    }
    out += fmt::format("  {} -> {}: {}\n", part.to_string(), class_name(c.pod_class), c.ports.to_string());
  }
  return out;
}

Json matrix_json(const Engine& engine, const Matrix& matrix, const MatrixFilter& filter)
{
  const Filtered f = make_filter(engine, matrix, filter);
  Json classes = Json::array();
  for (const PodClass& pc : matrix.classes) {
    Json pods = Json::array();
    for (std::size_t i : pc.members) {
      pods.push_back(engine.endpoints()[i].qualified_name());
    }
    classes.push_back(Json{{"id", class_name(pc.id)},
                           {"namespace", pc.namespace_},
                           {"pods", std::move(pods)},
                           {"host_network", pc.host_network},
                           {"ingress_isolated_by", policy_names(pc.ingress_policies)},
                           {"egress_isolated_by", policy_names(pc.egress_policies)},
                           {"doubts", pc.doubts}});
  }
  Json connections = Json::array();
  if (f.pods_from && f.pods_to) {
    for (const ClassConnection& c : matrix.connections) {
      if ((f.from && !f.from->contains(c.from)) || (f.to && !f.to->contains(c.to)) || !port_ok(filter, c.ports)) {
        continue;
      }
      connections.push_back(Json{{"from", class_name(c.from)}, {"to", class_name(c.to)}, {"ports", c.ports.to_json()}});
    }
  }
  Json egress = Json::array();
  for (const AddressConnection& c : matrix.egress) {
    const AddressSet part = address_part(filter.to, c.addresses);
    if (!f.pods_from || (f.from && !f.from->contains(c.pod_class)) || f.to || part.empty() || !port_ok(filter, c.ports)) {
      continue;
    }
    egress.push_back(Json{{"from", class_name(c.pod_class)}, {"addresses", part.to_json()}, {"ports", c.ports.to_json()}});
  }
  Json ingress = Json::array();
  for (const AddressConnection& c : matrix.ingress) {
    const AddressSet part = address_part(filter.from, c.addresses);
    if (!f.pods_to || (f.to && !f.to->contains(c.pod_class)) || f.from || part.empty() || !port_ok(filter, c.ports)) {
      continue;
    }
    ingress.push_back(Json{{"to", class_name(c.pod_class)}, {"addresses", part.to_json()}, {"ports", c.ports.to_json()}});
  }
  Json policies = Json::array();
  for (const Policy& p : engine.policies()) {
    policies.push_back(p.namespace_ + "/" + p.name);
  }
  return Json{{"format_version", k_netpol_format_version},
              {"policies", std::move(policies)},
              {"skipped", engine.problems()},
              {"classes", std::move(classes)},
              {"connections", std::move(connections)},
              {"egress", std::move(egress)},
              {"ingress", std::move(ingress)}};
}

} // namespace cva::netpol
