#include "paths.hpp"

#include <core/check/helpers.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace cva::netpol {

namespace {

Outcome worse(Outcome a, Outcome b)
{
  return static_cast<std::uint8_t>(a) >= static_cast<std::uint8_t>(b) ? a : b;
}

std::string policy_types_text(const Policy& p)
{
  std::vector<std::string> types;
  if (p.ingress) {
    types.emplace_back("Ingress");
  }
  if (p.egress) {
    types.emplace_back("Egress");
  }
  return fmt::format("{}{}", fmt::join(types, ", "), p.types_implied ? " (implied: policyTypes absent)" : "");
}

Json ports_json(const PortSet& ports)
{
  Json out = Json::array();
  for (Protocol p : k_protocols) {
    const auto& set = ports.ports(p);
    if (set.covers(k_min_port, k_max_port)) {
      out.push_back(Json{{"protocol", to_string(p)}});
      continue;
    }
    for (const auto& [lo, hi] : set.intervals()) {
      Json item{{"protocol", to_string(p)}, {"port", lo}};
      if (hi != lo) {
        item["endPort"] = hi;
      }
      out.push_back(std::move(item));
    }
  }
  return out;
}

Json label_selector_json(const StringMap& labels)
{
  Json match = Json::object();
  for (const auto& [k, v] : labels) {
    match[k] = v;
  }
  return labels.empty() ? Json::object() : Json{{"matchLabels", std::move(match)}};
}

// A peer naming pods with `labels` in namespace `ns`, as written in a policy of `policy_ns`.
Json pod_peer(const std::string& ns, const StringMap& labels, const std::string& policy_ns)
{
  Json peer{{"podSelector", label_selector_json(labels)}};
  if (ns != policy_ns) {
    peer["namespaceSelector"] = Json{{"matchLabels", {{std::string(k_namespace_name_label), ns}}}};
  }
  return peer;
}

Json address_peer(const AddressSet& addresses)
{
  if (addresses == public_internet() || addresses.is_all()) {
    return Json{{"ipBlock", {{"cidr", "0.0.0.0/0"}}}};
  }
  const auto blocks = addresses.blocks();
  if (blocks.empty()) {
    return Json{{"ipBlock", {{"cidr", "0.0.0.0/0"}}}};
  }
  Json block{{"cidr", blocks.front().cidr.to_string()}};
  for (const Cidr& c : blocks.front().except) {
    block["except"].push_back(c.to_string());
  }
  return Json{{"ipBlock", std::move(block)}};
}

struct SourceResult
{
  const Endpoint* source = nullptr;
  std::vector<Verdict> verdicts; // per requirement
  std::vector<std::string> reachable; // per requirement, for address targets
  std::vector<const Policy*> egress_denied;
  std::vector<const Policy*> ingress_denied;
  std::vector<const Policy*> allowed_by;
  std::vector<std::string> doubts;
  std::vector<std::string> reasons; // of legs that were not allowed
  PortSet refused;                  // destination-side ports refused
  std::vector<std::string> errors;

  std::string key() const
  {
    std::string k = source->namespace_;
    for (Verdict v : verdicts) {
      k += fmt::format("|{}", to_string(v));
    }
    for (const auto* list : {&egress_denied, &ingress_denied, &allowed_by}) {
      k += '|';
      for (const Policy* p : *list) {
        k += p->namespace_ + "/" + p->name + ",";
      }
    }
    k += fmt::format("|{}|{}|{}", fmt::join(reachable, ";"), fmt::join(doubts, ";"), fmt::join(errors, ";"));
    return k;
  }
};

std::string subject_text(const std::string& noun, const std::vector<const SourceResult*>& group)
{
  const Endpoint& first = *group.front()->source;
  if (group.size() == 1) {
    return first.pod != nullptr ? fmt::format("{} {}", noun, first.qualified_name())
                                : fmt::format("{} ({})", noun, first.describe());
  }
  const auto templates =
    std::count_if(group.begin(), group.end(), [](const SourceResult* r) { return r->source->pod == nullptr; });
  std::vector<std::string> names;
  for (std::size_t i = 0; i < group.size() && i < 3; ++i) {
    names.push_back(group[i]->source->name);
  }
  return fmt::format("{} {}s in namespace {} ({}{}{})", group.size(), noun, first.namespace_, fmt::join(names, ", "),
                     group.size() > 3 ? ", ..." : "",
                     templates > 0 ? fmt::format("; {} of them pod templates of workloads without pods", templates)
                                   : std::string());
}

// The destination's namespace and identifying labels, for a rule that opens the path.
struct DestinationPeer
{
  std::string ns;
  StringMap labels;
  bool addresses = false;
};

DestinationPeer destination_peer(const Target& to)
{
  DestinationPeer out;
  if (to.kind == Target::Kind::addresses) {
    out.addresses = true;
    return out;
  }
  if (to.kind == Target::Kind::service) {
    out.ns = to.service->meta.namespace_;
    out.labels = to.service->selector;
    return out;
  }
  std::vector<const StringMap*> labels;
  for (const Endpoint& e : to.endpoints) {
    labels.push_back(e.labels);
  }
  out.ns = to.endpoints.empty() ? std::string() : to.endpoints.front().namespace_;
  out.labels = identity_labels(labels);
  return out;
}

std::string smallest_change(const PathSpec& spec, const std::vector<const SourceResult*>& group)
{
  PortSet ports;
  std::vector<const Policy*> egress;
  std::vector<const Policy*> ingress;
  std::vector<const StringMap*> labels;
  for (const SourceResult* r : group) {
    ports.unite(r->refused);
    append_unique(egress, r->egress_denied);
    append_unique(ingress, r->ingress_denied);
    labels.push_back(r->source->labels);
  }
  if (ports.empty()) {
    return {};
  }
  std::vector<std::string> changes;
  if (!egress.empty()) {
    const Policy& p = *egress.front();
    const DestinationPeer d = destination_peer(*spec.to);
    const Json peer = d.addresses ? address_peer(spec.to->addresses) : pod_peer(d.ns, d.labels, p.namespace_);
    const Json rule{{"to", Json::array({peer})}, {"ports", ports_json(ports)}};
    changes.push_back(fmt::format("add an egress rule to {}: {}", p.describe(), patch_command(p, Direction::egress, rule)));
  }
  if (!ingress.empty()) {
    const Policy& p = *ingress.front();
    const Json peer = pod_peer(group.front()->source->namespace_, identity_labels(labels), p.namespace_);
    const Json rule{{"from", Json::array({peer})}, {"ports", ports_json(ports)}};
    changes.push_back(
      fmt::format("add an ingress rule to {}: {}", p.describe(), patch_command(p, Direction::ingress, rule)));
  }
  return fmt::format("{}", fmt::join(changes, "; and "));
}

std::vector<Evidence> policy_evidence(const std::vector<const Policy*>& blocked,
                                      const std::vector<const Policy*>& allowed)
{
  std::vector<Evidence> out;
  for (const Policy* p : blocked) {
    out.push_back(evidence_at(*p->object, "/spec/policyTypes", policy_types_text(*p)));
  }
  for (const Policy* p : allowed) {
    out.push_back(evidence_at(*p->object, "/spec/podSelector", p->pod_selector.to_string()));
  }
  return out;
}

} // namespace

NetworkView::NetworkView(const Snapshot& snapshot)
  : m_snapshot(&snapshot),
    m_engine(std::make_unique<Engine>(snapshot)),
    m_enforcement(detect_enforcement(snapshot)),
    m_extended(find_extended_policies(snapshot, m_enforcement))
{
}

std::vector<std::string> NetworkView::doubts(std::string_view from, std::string_view to) const
{
  std::vector<std::string> out = m_extended.doubts(from, to);
  for (const std::string& problem : m_engine->problems()) {
    const bool here = (!from.empty() && problem.starts_with(fmt::format("NetworkPolicy {}/", from))) ||
                      (!to.empty() && problem.starts_with(fmt::format("NetworkPolicy {}/", to)));
    if (here) {
      out.push_back("a NetworkPolicy was skipped as invalid (" + problem + ")");
    }
  }
  return out;
}

Target NetworkView::role_pods(std::initializer_list<CoderRole> roles, std::string description) const
{
  Target out;
  out.kind = Target::Kind::pods;
  out.description = std::move(description);
  const auto wanted = [&](CoderRole r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  for (const Pod& p : m_snapshot->pods) {
    if (wanted(p.role)) {
      if (const Endpoint* e = m_engine->find(p)) {
        out.endpoints.push_back(*e);
      }
    }
  }
  for (const Workload& w : m_snapshot->workloads) {
    if (wanted(w.role) && (w.kind == "Deployment" || w.kind == "StatefulSet" || w.kind == "DaemonSet") &&
        m_snapshot->pods_of(w).empty()) {
      out.endpoints.push_back(Engine::template_endpoint(w));
    }
  }
  return out;
}

const Service* NetworkView::coderd_service() const
{
  std::vector<const StringMap*> coderd_labels;
  for (const Pod* p : m_snapshot->coder.coderd) {
    coderd_labels.push_back(&p->meta.labels);
  }
  for (const Workload* w : m_snapshot->coder.coderd_workloads) {
    coderd_labels.push_back(&w->template_meta.labels);
  }
  const auto& namespaces = m_snapshot->coder.control_plane_namespaces;
  const Service* best = nullptr;
  for (const Service& s : m_snapshot->services) {
    if (s.selector.empty() ||
        std::find(namespaces.begin(), namespaces.end(), s.meta.namespace_) == namespaces.end()) {
      continue;
    }
    const LabelSelector selector = LabelSelector::from_map(s.selector);
    const bool selects = std::any_of(coderd_labels.begin(), coderd_labels.end(),
                                     [&](const StringMap* l) { return selector.matches(*l); });
    if (!selects || !coderd_service_port(s)) {
      continue;
    }
    if (s.meta.name == "coder") {
      return &s;
    }
    if (best == nullptr) {
      best = &s;
    }
  }
  return best;
}

std::optional<PortQuery> NetworkView::coderd_service_port(const Service& service) const
{
  std::optional<PortQuery> out;
  for (const ServicePort& sp : service.ports) {
    const bool http = sp.target_port == k_coderd_http_port_name ||
                      sp.target_port == std::to_string(k_coderd_http_port) ||
                      (sp.target_port.empty() && sp.port == static_cast<int>(k_coderd_http_port));
    if (http && sp.port > 0) {
      const PortQuery q{parse_protocol(sp.protocol).value_or(Protocol::tcp), static_cast<std::uint32_t>(sp.port)};
      if (!out || sp.name == k_coderd_http_port_name) {
        out = q;
      }
    }
  }
  return out;
}

Target NetworkView::service_target(const Service& service) const
{
  return netpol::service_target(*m_engine, service);
}

AddressSet public_internet()
{
  AddressSet out = AddressSet::of(*parse_cidr("0.0.0.0/0"));
  for (const char* reserved : {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                               "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"}) {
    out = out.subtract(AddressSet::of(*parse_cidr(reserved)));
  }
  return out;
}

std::string patch_command(const Policy& policy, Direction direction, const Json& rule)
{
  const std::string key(to_string(direction));
  const bool exists = policy.object != nullptr && policy.object->raw != nullptr &&
                      json_path(*policy.object->raw, {"spec", key}).is_array();
  const Json ops = Json::array({exists ? Json{{"op", "add"}, {"path", "/spec/" + key + "/-"}, {"value", rule}}
                                       : Json{{"op", "add"}, {"path", "/spec/" + key}, {"value", Json::array({rule})}}});
  return fmt::format("kubectl -n {} patch networkpolicy {} --type=json -p '{}'", policy.namespace_, policy.name,
                     ops.dump());
}

StringMap identity_labels(const std::vector<const StringMap*>& labels)
{
  StringMap common;
  if (labels.empty()) {
    return common;
  }
  for (const auto& entry : *labels.front()) {
    const bool shared = std::all_of(labels.begin(), labels.end(), [&](const StringMap* l) {
      const auto it = l->find(entry.first);
      return it != l->end() && it->second == entry.second;
    });
    if (shared) {
      common.insert(entry);
    }
  }
  StringMap preferred;
  for (std::string_view key :
       {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app", "k8s-app", "component"}) {
    if (const auto it = common.find(key); it != common.end()) {
      preferred.insert(*it);
    }
  }
  if (!preferred.empty()) {
    return preferred;
  }
  for (std::string_view hash : {"pod-template-hash", "controller-revision-hash", "pod-template-generation",
                                "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
                                "controller-uid", "batch.kubernetes.io/controller-uid", "job-name",
                                "batch.kubernetes.io/job-name"}) {
    if (const auto it = common.find(hash); it != common.end()) {
      common.erase(it);
    }
  }
  return common;
}

std::vector<Finding> path_findings(const NetworkView& view, const PathSpec& spec)
{
  const Engine& engine = view.engine();
  std::vector<SourceResult> results;
  results.reserve(spec.from->endpoints.size());
  // Each source is asked about alone; copying the whole source list for each would be quadratic.
  Target base = *spec.from;
  base.endpoints.clear();
  for (const Endpoint& source : spec.from->endpoints) {
    SourceResult r;
    r.source = &source;
    Target one = base;
    one.endpoints = {source};
    one.description = source.describe();
    for (const Requirement& req : spec.requirements) {
      auto answer = ask(engine, one, *spec.to, req.port);
      if (!answer) {
        r.errors.push_back(answer.error().message);
        r.verdicts.push_back(Verdict::unknown);
        r.reachable.emplace_back();
        continue;
      }
      r.verdicts.push_back(answer->verdict);
      AddressSet reachable;
      for (const Leg& leg : answer->legs) {
        append_unique(r.allowed_by, leg.allowed_by);
        reachable.unite(leg.reachable);
        if (leg.verdict == Verdict::allowed) {
          continue;
        }
        append_unique(r.egress_denied, leg.egress_denied_by);
        append_unique(r.ingress_denied, leg.ingress_denied_by);
        append_unique(r.doubts, leg.doubts);
        append_unique(r.reasons, leg.reasons);
        r.refused.unite(leg.wanted.subtract(leg.allowed));
      }
      append_unique(r.errors, answer->notes);
      r.reachable.push_back(spec.to->kind == Target::Kind::addresses ? reachable.to_string() : std::string());
    }
    results.push_back(std::move(r));
  }

  std::map<std::string, std::vector<const SourceResult*>> groups;
  std::vector<std::string> order;
  for (const SourceResult& r : results) {
    auto [it, inserted] = groups.try_emplace(r.key());
    if (inserted) {
      order.push_back(it->first);
    }
    it->second.push_back(&r);
  }

  std::vector<Finding> findings;
  const std::string destination_ns =
    spec.to->kind == Target::Kind::service ? spec.to->service->meta.namespace_
    : spec.to->kind == Target::Kind::pods && !spec.to->endpoints.empty() ? spec.to->endpoints.front().namespace_
                                                                          : std::string();
  for (const std::string& key : order) {
    const auto& group = groups[key];
    const SourceResult& first = *group.front();
    const std::string subject = subject_text(spec.noun, group);
    Outcome outcome = Outcome::pass;
    std::vector<std::string> all_ports;
    std::vector<std::string> blocked_ports;
    std::vector<std::string> partial_address;
    for (std::size_t i = 0; i < spec.requirements.size(); ++i) {
      const Requirement& req = spec.requirements[i];
      all_ports.push_back(req.port.to_string());
      Outcome o = Outcome::pass;
      switch (first.verdicts[i]) {
        case Verdict::allowed:
          break;
        case Verdict::denied:
          o = req.blocked;
          blocked_ports.push_back(req.port.to_string());
          break;
        case Verdict::partial:
          if (spec.to->kind == Target::Kind::addresses) {
            o = Outcome::unknown;
            partial_address.push_back(fmt::format("{} only to {}", req.port.to_string(), first.reachable[i]));
          } else {
            o = req.blocked == Outcome::fail ? Outcome::warn : req.blocked;
            blocked_ports.push_back(req.port.to_string());
          }
          break;
        case Verdict::unknown:
          o = Outcome::unknown;
          break;
      }
      outcome = worse(outcome, o);
    }
    const std::string ports_text = fmt::format("{}", fmt::join(all_ports, " and "));
    std::vector<ObjectRef> refs;
    for (std::size_t i = 0; i < group.size() && i < 5; ++i) {
      if (group[i]->source->object != nullptr) {
        refs.push_back(ref(*group[i]->source->object));
      }
    }
    std::vector<const Policy*> blocking = first.egress_denied;
    append_unique(blocking, first.ingress_denied);
    for (const Policy* p : blocking) {
      refs.push_back(ref(*p->object));
    }
    if (spec.to->service != nullptr) {
      refs.push_back(ref(*spec.to->service));
    }
    std::string message;
    std::vector<std::string> extra = view.doubts(first.source->namespace_, destination_ns);
    if (!first.errors.empty() && outcome != Outcome::fail && outcome != Outcome::warn) {
      outcome = Outcome::unknown;
      message = fmt::format("{} -> {}: {}", subject, spec.to_text, fmt::join(first.errors, "; "));
    } else if (outcome == Outcome::pass) {
      message = fmt::format("{} can reach {} on {} ({})", subject, spec.to_text, ports_text,
                            first.allowed_by.empty() ? std::string("no NetworkPolicy isolates either side")
                                                     : "allowed by " + describe(first.allowed_by));
      if (!extra.empty()) {
        outcome = Outcome::unknown;
        message += fmt::format(", but this cannot be confirmed: {}", fmt::join(extra, "; "));
      }
    } else if (outcome == Outcome::unknown && !partial_address.empty() && blocked_ports.empty()) {
      message = fmt::format("{} may reach {} on {}; whether {} lies inside could not be checked offline", subject,
                            spec.addresses_text.empty() ? std::string("addresses") : spec.addresses_text,
                            fmt::join(partial_address, ", "), spec.to_text);
    } else if (outcome == Outcome::unknown) {
      message = fmt::format("{} -> {} on {} could not be decided: {}", subject, spec.to_text, ports_text,
                            fmt::join(first.doubts, "; "));
    } else {
      std::vector<std::string> why;
      if (!first.egress_denied.empty()) {
        why.push_back(fmt::format("their egress is isolated by {} and no rule allows it", describe(first.egress_denied)));
      }
      if (!first.ingress_denied.empty()) {
        why.push_back(fmt::format("the destination's ingress is isolated by {} and no rule admits them",
                                  describe(first.ingress_denied)));
      }
      if (why.empty()) {
        why.insert(why.end(), first.reasons.begin(), first.reasons.end());
      }
      const bool some = std::all_of(first.verdicts.begin(), first.verdicts.end(),
                                    [](Verdict v) { return v != Verdict::denied; });
      message = fmt::format("{} cannot reach {}{} on {}: {}", subject, some ? "every destination of " : "",
                            spec.to_text, fmt::join(blocked_ports, " and "), fmt::join(why, "; "));
      if (const std::string fix = smallest_change(spec, group); !fix.empty()) {
        message += ". Smallest change: " + fix;
      }
      if (view.enforcement().enforcement == Enforcement::not_enforced) {
        message += fmt::format(". Note: {}, so this block takes effect only once enforcement is turned on",
                               view.enforcement().summary);
      }
      if (!extra.empty()) {
        message += fmt::format(". Also: {}", fmt::join(extra, "; "));
      }
    }
    findings.push_back(finding(outcome, std::move(message), std::move(refs),
                               policy_evidence(blocking, outcome == Outcome::pass ? first.allowed_by
                                                                                   : std::vector<const Policy*>{})));
  }
  return findings;
}

} // namespace cva::netpol

namespace cva::netpol {

std::optional<HostPort> parse_host_port(std::string_view text)
{
  HostPort out;
  const auto digits = [](std::string_view d) -> std::optional<std::uint32_t> {
    if (d.empty() || d.size() > 5 || !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    const unsigned long v = std::stoul(std::string(d));
    return v >= k_min_port && v <= k_max_port ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(v)) : std::nullopt;
  };
  if (const auto scheme_end = text.find("://"); scheme_end != std::string_view::npos) {
    out.scheme = std::string(text.substr(0, scheme_end));
    std::string_view rest = text.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
      rest = rest.substr(at + 1);
    }
    if (rest.starts_with('[')) {
      const auto close = rest.find(']');
      if (close == std::string_view::npos) {
        return std::nullopt;
      }
      out.host = std::string(rest.substr(1, close - 1));
      rest = rest.substr(close + 1);
      if (rest.starts_with(':')) {
        out.port = digits(rest.substr(1));
      }
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      out.host = std::string(rest.substr(0, colon));
      out.port = digits(rest.substr(colon + 1));
    } else {
      out.host = std::string(rest);
    }
    // libpq also takes the host from a `host=` query parameter.
    if (const auto q = text.find("?"); out.host.empty() && q != std::string_view::npos) {
      if (const auto h = text.find("host=", q); h != std::string_view::npos) {
        const std::string_view v = text.substr(h + 5);
        out.host = std::string(v.substr(0, v.find('&')));
      }
    }
  } else {
    // key=value pairs separated by spaces
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t end = std::min(text.find(' ', pos), text.size());
      const std::string_view pair = text.substr(pos, end - pos);
      if (pair.starts_with("host=")) {
        out.host = std::string(pair.substr(5));
      } else if (pair.starts_with("port=")) {
        out.port = digits(pair.substr(5));
      }
      pos = end + 1;
    }
  }
  if (out.host.empty() || out.host.find_first_of(" *<>") != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

Destination resolve_host(const NetworkView& view, std::string_view host, std::uint32_t port,
                         std::string_view namespace_)
{
  Destination out;
  out.port = PortQuery{Protocol::tcp, port};
  std::string name(host);
  while (name.ends_with('.')) {
    name.pop_back();
  }
  if (const auto ip = parse_ip(name)) {
    auto t = resolve_target(view.engine(), name);
    if (t && t->kind == Target::Kind::pods) {
      out.target = std::move(*t);
      out.text = out.target.description;
      return out;
    }
    out.target.kind = Target::Kind::addresses;
    out.target.addresses = AddressSet::of(*ip);
    out.target.description = ip->to_string();
    out.outside = true;
    out.text = fmt::format("{} (outside the cluster)", ip->to_string());
    return out;
  }
  std::string service = name;
  std::string ns(namespace_);
  if (const auto svc = name.find(".svc"); svc != std::string::npos &&
                                          (svc + 4 == name.size() || name[svc + 4] == '.')) {
    service = name.substr(0, svc);
  }
  if (const auto dot = service.find('.'); dot != std::string::npos) {
    ns = service.substr(dot + 1);
    service = service.substr(0, dot);
    if (ns.find('.') != std::string::npos) {
      ns.clear(); // more labels: a name outside the cluster
    }
  }
  for (const Service& s : view.snapshot().services) {
    if (!ns.empty() && s.meta.namespace_ == ns && s.meta.name == service) {
      out.target = view.service_target(s);
      out.text = out.target.description;
      return out;
    }
  }
  out.target.kind = Target::Kind::addresses;
  out.target.addresses = AddressSet::of(*parse_cidr("0.0.0.0/0"));
  out.target.description = name;
  out.outside = true;
  out.text = fmt::format("{} (outside the cluster)", name);
  return out;
}

std::vector<Finding> inbound_findings(const NetworkView& view, const AddressSet& from, const std::string& from_text,
                                      const Target& to, const std::string& to_text, const Requirement& requirement)
{
  Target source;
  source.kind = Target::Kind::addresses;
  source.addresses = from;
  source.description = from_text;
  auto answer = ask(view.engine(), source, to, requirement.port);
  if (!answer) {
    return {finding(Outcome::unknown, fmt::format("{} -> {}: {}", from_text, to_text, answer.error().message))};
  }
  std::vector<const Policy*> blocking;
  std::vector<const Policy*> allowing;
  AddressSet reachable = from;
  PortSet refused;
  for (const Leg& leg : answer->legs) {
    append_unique(blocking, leg.ingress_denied_by);
    append_unique(allowing, leg.allowed_by);
    reachable = reachable.intersect(leg.reachable);
    refused.unite(leg.wanted.subtract(leg.allowed));
  }
  std::vector<ObjectRef> refs;
  for (const Policy* p : blocking) {
    refs.push_back(ref(*p->object));
  }
  if (to.service != nullptr) {
    refs.push_back(ref(*to.service));
  }
  const std::string destination_ns = to.service != nullptr ? to.service->meta.namespace_ : std::string();
  const std::vector<std::string> extra = view.doubts({}, destination_ns);
  switch (answer->verdict) {
    case Verdict::allowed: {
      std::string message = fmt::format("{} can connect to {} on {} ({})", from_text, to_text,
                                        requirement.port.to_string(),
                                        allowing.empty() ? std::string("no NetworkPolicy isolates it for ingress")
                                                         : "allowed by " + describe(allowing));
      if (!extra.empty()) {
        message += fmt::format(", but this cannot be confirmed: {}", fmt::join(extra, "; "));
      }
      return {finding(extra.empty() ? Outcome::pass : Outcome::unknown, std::move(message), std::move(refs),
                      policy_evidence({}, allowing))};
    }
    case Verdict::denied: {
      std::string message = fmt::format("{} cannot connect to {} on {}: its ingress is isolated by {} and no rule "
                                        "admits addresses outside the cluster",
                                        from_text, to_text, requirement.port.to_string(), describe(blocking));
      if (!blocking.empty() && !refused.empty()) {
        const Json rule{{"from", Json::array({address_peer(from)})}, {"ports", ports_json(refused)}};
        message += fmt::format(". Smallest change: add an ingress rule to {}: {}", blocking.front()->describe(),
                               patch_command(*blocking.front(), Direction::ingress, rule));
      }
      if (view.enforcement().enforcement == Enforcement::not_enforced) {
        message += fmt::format(". Note: {}, so this block takes effect only once enforcement is turned on",
                               view.enforcement().summary);
      }
      return {finding(requirement.blocked, std::move(message), std::move(refs), policy_evidence(blocking, {}))};
    }
    default: {
      std::vector<std::string> notes = answer->notes;
      for (const Leg& leg : answer->legs) {
        append_unique(notes, leg.doubts);
      }
      return {finding(Outcome::unknown,
                      fmt::format("{} can connect to {} on {} only from {}{}: check that the load balancer's or "
                                  "clients' addresses are among them",
                                  from_text, to_text, requirement.port.to_string(), reachable.to_string(),
                                  notes.empty() ? std::string() : fmt::format(" ({})", fmt::join(notes, "; "))),
                      std::move(refs), policy_evidence(blocking, allowing))};
    }
  }
}

} // namespace cva::netpol
