#include "query.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace cva::netpol {

namespace {

std::string_view type_name(Direction d)
{
  return d == Direction::ingress ? "Ingress" : "Egress";
}

Verdict verdict_of(bool complete, bool nothing, bool doubtful)
{
  if (complete) {
    return Verdict::allowed;
  }
  if (doubtful) {
    return Verdict::unknown;
  }
  return nothing ? Verdict::denied : Verdict::partial;
}

// Explains one side of a pod-to-pod connection for the `wanted` ports.
void explain_side(const SideVerdict& side, const std::string& subject, const PortSet& wanted, const std::string& other,
                  Leg& leg)
{
  const std::string prefix = fmt::format("{} of {}", to_string(side.direction), subject);
  if (side.host_network) {
    leg.reasons.push_back(prefix + ": allowed (hostNetwork pods are outside NetworkPolicy)");
    return;
  }
  if (!side.isolated) {
    leg.reasons.push_back(
      fmt::format("{}: allowed (no NetworkPolicy of type {} selects it)", prefix, type_name(side.direction)));
    return;
  }
  for (const Grant& g : side.grants) {
    const PortSet part = g.ports.intersect(wanted);
    if (part.empty()) {
      continue;
    }
    leg.reasons.push_back(fmt::format("{}: {} allowed by {} (spec.{}[{}])", prefix, part.to_string(),
                                      g.policy->describe(), to_string(side.direction), g.rule));
    append_unique(leg.allowed_by, {g.policy});
  }
  const PortSet missing = wanted.subtract(side.ports);
  if (!missing.empty()) {
    leg.reasons.push_back(fmt::format("{}: {} denied: isolated for {} by {} and no rule allows it {} {}", prefix,
                                      missing.to_string(), to_string(side.direction), describe(side.policies),
                                      side.direction == Direction::egress ? "to" : "from", other));
    append_unique(leg.denied_by, side.policies);
    append_unique(side.direction == Direction::egress ? leg.egress_denied_by : leg.ingress_denied_by, side.policies);
  }
  for (const std::string& d : side.doubts) {
    if (std::find(leg.doubts.begin(), leg.doubts.end(), d) == leg.doubts.end()) {
      leg.doubts.push_back(d);
    }
  }
}

Leg pod_leg(const Engine& engine, const Endpoint& source, const Endpoint& destination, const PortSet& wanted,
            std::string via)
{
  Leg leg;
  leg.from = source.describe();
  leg.to = destination.describe();
  leg.via = std::move(via);
  leg.wanted = wanted;
  const PairVerdict v = engine.between(source, destination);
  leg.allowed = v.ports.intersect(wanted);
  explain_side(v.egress, leg.from, wanted, leg.to, leg);
  explain_side(v.ingress, leg.to, wanted, leg.from, leg);
  leg.verdict = verdict_of(leg.allowed == wanted, leg.allowed.empty(), !leg.doubts.empty());
  return leg;
}

// A pod's egress to `addresses`, or its ingress from them.
Leg address_leg(const Engine& engine, const Endpoint& pod, Direction direction, const AddressSet& addresses,
                const std::string& addresses_text, const PortSet& wanted, std::string via)
{
  Leg leg;
  leg.from = direction == Direction::egress ? pod.describe() : addresses_text;
  leg.to = direction == Direction::egress ? addresses_text : pod.describe();
  leg.via = std::move(via);
  leg.wanted = wanted;
  leg.addresses = addresses;
  const AddressVerdict v = engine.addresses(pod, direction);
  leg.reachable = v.addresses_for(wanted).intersect(addresses);
  const std::string prefix = fmt::format("{} of {}", to_string(direction), pod.describe());
  const std::string_view to_from = direction == Direction::egress ? "to" : "from";
  // The ports allowed to every address asked: those of every grant overlapping them, provided
  // the grants cover them all.
  PortSet common = wanted;
  AddressSet covered;
  bool any = false;
  for (const AddressGrant& g : v.grants) {
    const AddressSet inside = g.addresses.intersect(addresses);
    if (inside.empty()) {
      continue;
    }
    covered.unite(inside);
    common = common.intersect(g.ports);
    const PortSet part = g.ports.intersect(wanted);
    if (part.empty()) {
      continue;
    }
    any = true;
    if (v.host_network) {
      leg.reasons.push_back(prefix + ": allowed (hostNetwork pods are outside NetworkPolicy)");
    } else if (!v.isolated) {
      leg.reasons.push_back(fmt::format("{}: allowed (no NetworkPolicy of type {} selects it)", prefix,
                                        type_name(direction)));
    } else {
      leg.reasons.push_back(fmt::format("{}: {} {} {} allowed by {}", prefix, part.to_string(), to_from,
                                        inside.to_string(), describe(g.policies)));
      append_unique(leg.allowed_by, g.policies);
    }
  }
  leg.allowed = covered.covers(addresses) ? common : PortSet::none();
  const AddressSet refused = addresses.subtract(leg.reachable);
  if (!refused.empty()) {
    leg.reasons.push_back(fmt::format("{}: {} {} {} denied: isolated for {} by {} and no rule allows it", prefix,
                                      wanted.to_string(), to_from, refused.to_string(), to_string(direction),
                                      describe(v.policies)));
    append_unique(leg.denied_by, v.policies);
    append_unique(direction == Direction::egress ? leg.egress_denied_by : leg.ingress_denied_by, v.policies);
  }
  leg.verdict = verdict_of(leg.reachable.covers(addresses) && !addresses.empty(), !any, false);
  return leg;
}

struct ServicePath
{
  const ServicePort* port = nullptr;
  Protocol protocol = Protocol::tcp;
};

std::string service_port_text(const ServicePort& sp)
{
  return sp.name.empty() ? fmt::format("{}/{}", sp.port, sp.protocol)
                         : fmt::format("{} {}/{}", sp.name, sp.port, sp.protocol);
}

// The container port a Service port reaches on `backend`, or nullopt (a named targetPort the
// pod lacks).
std::optional<std::uint32_t> target_port(const ServicePort& sp, Protocol protocol, const Endpoint& backend)
{
  const std::string& t = sp.target_port;
  if (t.empty()) {
    return static_cast<std::uint32_t>(sp.port);
  }
  if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return static_cast<std::uint32_t>(std::stoul(t));
  }
  if (backend.containers != nullptr) {
    for (const Container& c : *backend.containers) {
      for (const ContainerPort& cp : c.ports) {
        if (cp.name == t && parse_protocol(cp.protocol) == protocol && cp.port > 0) {
          return static_cast<std::uint32_t>(cp.port);
        }
      }
    }
  }
  return std::nullopt;
}

Result<std::vector<ServicePath>> service_paths(const Target& service, const std::optional<PortQuery>& port)
{
  std::vector<ServicePath> out;
  std::vector<std::string> all;
  for (const ServicePort& sp : service.service->ports) {
    const Protocol protocol = parse_protocol(sp.protocol).value_or(Protocol::tcp);
    all.push_back(fmt::format("{}/{}", sp.port, to_string(protocol)));
    if (!port || (static_cast<std::uint32_t>(sp.port) == port->port && protocol == port->protocol)) {
      out.push_back(ServicePath{&sp, protocol});
    }
  }
  if (port && out.empty()) {
    return fail(fmt::format("{} has no port {} (its ports: {})", service.description, port->to_string(),
                            all.empty() ? std::string("none") : fmt::format("{}", fmt::join(all, ", "))));
  }
  return out;
}

// The legs from `source` to every backend of a Service, through each Service port asked.
void service_legs(const Engine& engine, const Endpoint* source, const AddressSet* addresses,
                  const std::string& addresses_text, const Target& service, const std::vector<ServicePath>& paths,
                  std::vector<Leg>& legs)
{
  for (const ServicePath& path : paths) {
    for (const Endpoint& backend : service.endpoints) {
      const auto port = target_port(*path.port, path.protocol, backend);
      std::string via = fmt::format("{} port {} -> targetPort {}", service.description,
                                    service_port_text(*path.port), path.port->target_port.empty()
                                                                     ? std::to_string(path.port->port)
                                                                     : path.port->target_port);
      if (!port) {
        Leg leg;
        leg.from = source != nullptr ? source->describe() : addresses_text;
        leg.to = backend.describe();
        leg.via = std::move(via);
        leg.verdict = Verdict::denied;
        leg.reasons.push_back(fmt::format("{} has no container port named {} ({})", backend.describe(),
                                          path.port->target_port, to_string(path.protocol)));
        legs.push_back(std::move(leg));
        continue;
      }
      via += fmt::format(" ({}/{})", *port, to_string(path.protocol));
      const PortSet wanted = PortSet::single(path.protocol, *port);
      legs.push_back(source != nullptr
                       ? pod_leg(engine, *source, backend, wanted, std::move(via))
                       : address_leg(engine, backend, Direction::ingress, *addresses, addresses_text, wanted,
                                     std::move(via)));
    }
  }
}

std::vector<Endpoint> endpoints_of_pods(const Engine& engine, const std::vector<const Pod*>& pods)
{
  std::vector<Endpoint> out;
  for (const Pod* p : pods) {
    if (const Endpoint* e = engine.find(*p)) {
      out.push_back(*e);
    }
  }
  return out;
}

} // namespace

std::string PortQuery::to_string() const
{
  return fmt::format("{}/{}", port, netpol::to_string(protocol));
}

Result<PortQuery> parse_port_query(std::string_view text)
{
  PortQuery out;
  std::string_view number = text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto p = parse_protocol(text.substr(slash + 1));
    if (!p) {
      return fail(fmt::format("invalid port \"{}\": protocol must be TCP, UDP or SCTP", text));
    }
    out.protocol = *p;
    number = text.substr(0, slash);
  }
  if (number.empty() || number.size() > 5 ||
      !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(fmt::format("invalid port \"{}\": expected N or N/PROTOCOL", text));
  }
  const unsigned long value = std::stoul(std::string(number));
  if (value < k_min_port || value > k_max_port) {
    return fail(fmt::format("invalid port \"{}\": out of range 1-65535", text));
  }
  out.port = static_cast<std::uint32_t>(value);
  return out;
}

std::string_view to_string(Verdict verdict)
{
  switch (verdict) {
    case Verdict::allowed:
      return "allowed";
    case Verdict::partial:
      return "partial";
    case Verdict::denied:
      return "denied";
    case Verdict::unknown:
      return "unknown";
  }
  return "unknown";
}

Target service_target(const Engine& engine, const Service& service)
{
  Target out;
  out.kind = Target::Kind::service;
  out.text = service.meta.namespace_ + "/" + service.meta.name;
  out.service = &service;
  out.description = fmt::format("Service {}/{}", service.meta.namespace_, service.meta.name);
  if (!service.selector.empty()) {
    const LabelSelector selector = LabelSelector::from_map(service.selector);
    for (const Endpoint& e : engine.endpoints()) {
      if (e.namespace_ == service.meta.namespace_ && selector.matches(*e.labels)) {
        out.endpoints.push_back(e);
      }
    }
  }
  return out;
}

Result<Target> resolve_target(const Engine& engine, std::string_view text)
{
  Target out;
  out.text = std::string(text);
  if (auto cidr = parse_cidr(text, true)) {
    const bool single = cidr->prefix == (cidr->address.family == Family::v4 ? 32 : 128);
    if (single) {
      for (const Endpoint& e : engine.endpoints()) {
        if (!e.host_network && std::find(e.ips.begin(), e.ips.end(), cidr->address) != e.ips.end()) {
          out.kind = Target::Kind::pods;
          out.description = e.describe();
          out.endpoints.push_back(e);
          return out;
        }
      }
    }
    out.kind = Target::Kind::addresses;
    out.addresses = AddressSet::of(*cidr);
    out.description = single ? cidr->address.to_string() : cidr->to_string();
    return out;
  }
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() ||
      text.find('/', slash + 1) != std::string_view::npos) {
    return fail(fmt::format("\"{}\" is neither NAMESPACE/NAME nor an address or CIDR", text));
  }
  const std::string ns(text.substr(0, slash));
  const std::string name(text.substr(slash + 1));
  const Snapshot& snapshot = engine.snapshot();
  for (const Pod& p : snapshot.pods) {
    if (p.meta.namespace_ == ns && p.meta.name == name) {
      const Endpoint* e = engine.find(p);
      if (e == nullptr) {
        return fail(fmt::format("pod {} has finished (phase {}) and holds no connection", text, p.phase));
      }
      out.description = e->describe();
      out.endpoints.push_back(*e);
      return out;
    }
  }
  for (const Service& s : snapshot.services) {
    if (s.meta.namespace_ == ns && s.meta.name == name) {
      Target t = service_target(engine, s);
      t.text = out.text;
      return t;
    }
  }
  for (std::string_view kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}) {
    if (const Workload* w = snapshot.find_workload(kind, ns, name)) {
      out.description = fmt::format("{} {}/{}", kind, ns, name);
      out.endpoints = endpoints_of_pods(engine, snapshot.pods_of(*w));
      if (out.endpoints.empty()) {
        out.endpoints.push_back(Engine::template_endpoint(*w));
      }
      return out;
    }
  }
  return fail(fmt::format("no pod, Service or workload named {} in the input", text));
}

Verdict combine(const std::vector<Leg>& legs)
{
  if (legs.empty()) {
    return Verdict::denied;
  }
  const auto all = [&](Verdict v) {
    return std::all_of(legs.begin(), legs.end(), [&](const Leg& l) { return l.verdict == v; });
  };
  if (all(Verdict::allowed)) {
    return Verdict::allowed;
  }
  if (all(Verdict::denied)) {
    return Verdict::denied;
  }
  if (std::any_of(legs.begin(), legs.end(), [](const Leg& l) { return l.verdict == Verdict::unknown; })) {
    return Verdict::unknown;
  }
  return Verdict::partial;
}

Result<Answer> ask(const Engine& engine, const Target& from, const Target& to, const std::optional<PortQuery>& port)
{
  Answer answer;
  if (from.kind == Target::Kind::addresses && to.kind == Target::Kind::addresses) {
    return fail("--from and --to are both addresses: NetworkPolicy only governs traffic of pods");
  }
  const PortSet wanted = port ? port->as_set() : PortSet::all();
  if (from.kind != Target::Kind::addresses && from.endpoints.empty()) {
    answer.notes.push_back(fmt::format("{} has no pods in the input", from.description));
  }
  if (to.kind == Target::Kind::service) {
    if (to.service->selector.empty()) {
      answer.notes.push_back(fmt::format("{} has no selector: its endpoints are managed outside Kubernetes' view "
                                         "and could not be evaluated",
                                         to.description));
      answer.verdict = Verdict::unknown;
      return answer;
    }
    if (to.endpoints.empty()) {
      answer.notes.push_back(fmt::format("{} selects no pod in the input", to.description));
    }
    auto paths = service_paths(to, port);
    if (!paths) {
      return fail(paths.error().message);
    }
    if (from.kind == Target::Kind::addresses) {
      service_legs(engine, nullptr, &from.addresses, from.description, to, *paths, answer.legs);
    } else {
      for (const Endpoint& source : from.endpoints) {
        service_legs(engine, &source, nullptr, {}, to, *paths, answer.legs);
      }
    }
  } else if (to.kind == Target::Kind::addresses) {
    for (const Endpoint& source : from.endpoints) {
      answer.legs.push_back(
        address_leg(engine, source, Direction::egress, to.addresses, to.description, wanted, {}));
    }
  } else if (from.kind == Target::Kind::addresses) {
    for (const Endpoint& destination : to.endpoints) {
      answer.legs.push_back(
        address_leg(engine, destination, Direction::ingress, from.addresses, from.description, wanted, {}));
    }
  } else {
    if (to.endpoints.empty()) {
      answer.notes.push_back(fmt::format("{} has no pods in the input", to.description));
    }
    for (const Endpoint& source : from.endpoints) {
      for (const Endpoint& destination : to.endpoints) {
        answer.legs.push_back(pod_leg(engine, source, destination, wanted, {}));
      }
    }
  }
  answer.verdict = answer.legs.empty() ? Verdict::unknown : combine(answer.legs);
  return answer;
}

} // namespace cva::netpol
