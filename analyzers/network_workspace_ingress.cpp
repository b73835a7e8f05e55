// Checks what may connect into workspaces. The validated architecture says "Coder workspaces do
// not require any ports to be open": agents dial out to coderd, and users reach workspaces
// through that connection. Every inbound opening (no ingress isolation at all, policy rules that
// admit traffic, Services that publish workspace pods) is attack surface with no use.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace {

using namespace cva;
using namespace cva::netpol;

std::string selector_text(const LabelSelector& s)
{
  return s.matches_everything() ? std::string("any") : s.to_string();
}

std::string peer_text(const Peer& peer, const Policy& policy)
{
  if (peer.ip_block) {
    return "addresses " + peer.ip_block->text;
  }
  if (peer.namespace_selector && !peer.pod_selector) {
    return peer.namespace_selector->matches_everything()
             ? std::string("every pod in every namespace")
             : fmt::format("every pod in namespaces {}", peer.namespace_selector->to_string());
  }
  if (!peer.namespace_selector) {
    return peer.pod_selector->matches_everything()
             ? fmt::format("every pod in namespace {}", policy.namespace_)
             : fmt::format("pods {} in namespace {}", peer.pod_selector->to_string(), policy.namespace_);
  }
  return fmt::format("pods {} in namespaces {}", selector_text(*peer.pod_selector),
                     selector_text(*peer.namespace_selector));
}

std::string subject_text(const std::vector<const Endpoint*>& group)
{
  if (group.size() == 1) {
    return fmt::format("workspace {}", group.front()->describe());
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < group.size() && i < 3; ++i) {
    names.push_back(group[i]->name);
  }
  return fmt::format("{} workspace pods in namespace {} ({}{})", group.size(), group.front()->namespace_,
                     fmt::join(names, ", "), group.size() > 3 ? ", ..." : "");
}

std::string deny_ingress_command(const std::string& ns)
{
  const Json policy{{"apiVersion", "networking.k8s.io/v1"},
                    {"kind", "NetworkPolicy"},
                    {"metadata", {{"name", "workspaces-deny-ingress"}, {"namespace", ns}}},
                    {"spec",
                     {{"podSelector", {{"matchLabels", {{"app.kubernetes.io/name", "coder-workspace"}}}}},
                      {"policyTypes", Json::array({"Ingress"})}}}};
  return fmt::format("echo '{}' | kubectl apply -f - (adjust the podSelector to your template's labels)",
                     policy.dump());
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const NetworkView view(snapshot);
  const Engine& engine = view.engine();
  const Target workspaces = view.role_pods({CoderRole::workspace}, "workspaces");
  if (workspaces.endpoints.empty()) {
    return {finding(Outcome::unknown, "no workspace pods or workspace templates were found, so their inbound "
                                      "openings could not be checked")};
  }
  std::map<std::string, std::vector<const Endpoint*>> groups;
  std::vector<std::string> order;
  for (const Endpoint& e : workspaces.endpoints) {
    std::string key = e.namespace_;
    for (const Policy* p : engine.isolating(e, Direction::ingress)) {
      key += "|" + p->name;
    }
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) {
      order.push_back(key);
    }
    it->second.push_back(&e);
  }
  const AddressSet internet = public_internet();
  std::vector<Finding> findings;
  for (const std::string& key : order) {
    const auto& group = groups[key];
    const Endpoint& rep = *group.front();
    const std::vector<const Policy*> policies = engine.isolating(rep, Direction::ingress);
    std::vector<ObjectRef> refs;
    for (std::size_t i = 0; i < group.size() && i < 5; ++i) {
      refs.push_back(ref(*group[i]->object));
    }
    if (policies.empty()) {
      findings.push_back(finding(
        Outcome::warn,
        fmt::format("{} accept connections from every pod and address on every port: no NetworkPolicy isolates "
                    "them for ingress, and workspaces need no inbound connection. Smallest change: {}",
                    subject_text(group), deny_ingress_command(rep.namespace_)),
        std::move(refs)));
      continue;
    }
    std::vector<std::string> openings;
    std::vector<Evidence> evidence;
    bool wide = false;
    for (const Policy* p : policies) {
      refs.push_back(ref(*p->object));
      for (const Rule& rule : p->ingress_rules) {
        const PortSet ports = Engine::rule_ports(rule, &rep);
        if (ports.empty()) {
          continue;
        }
        std::vector<std::string> sources;
        if (rule.any_peer) {
          sources.emplace_back("every pod and address");
          wide = true;
        }
        for (const Peer& peer : rule.peers) {
          sources.push_back(peer_text(peer, *p));
          wide = wide || (peer.ip_block && !peer.ip_block->addresses.intersect(internet).empty());
        }
        openings.push_back(fmt::format("{} from {} ({} spec.ingress[{}])", ports.to_string(),
                                       fmt::join(sources, ", "), p->describe(), rule.index));
        evidence.push_back(evidence_at(*p->object, fmt::format("/spec/ingress/{}", rule.index), openings.back()));
      }
    }
    std::string isolated_by;
    for (const Policy* p : policies) {
      isolated_by += (isolated_by.empty() ? "" : ", ") + p->describe();
    }
    if (openings.empty()) {
      const std::vector<std::string> doubts = view.doubts(rep.namespace_, {});
      std::string message = fmt::format("{} are isolated for ingress by {} and no rule opens a port", subject_text(group),
                                        isolated_by);
      if (!doubts.empty()) {
        message += fmt::format(", but this cannot be confirmed: {}", fmt::join(doubts, "; "));
      }
      findings.push_back(finding(doubts.empty() ? Outcome::pass : Outcome::unknown, std::move(message),
                                 std::move(refs), std::move(evidence)));
      continue;
    }
    findings.push_back(finding(wide ? Outcome::warn : Outcome::info,
                               fmt::format("{} accept {}; workspaces need no inbound connection, so {}",
                                           subject_text(group), fmt::join(openings, "; "),
                                           wide ? "these openings to the whole network are attack surface only"
                                                : "these rules could go"),
                               std::move(refs), std::move(evidence)));
  }
  // Services that publish workspace pods outside the cluster.
  for (const Service& s : snapshot.services) {
    if ((s.type != "LoadBalancer" && s.type != "NodePort") || s.selector.empty()) {
      continue;
    }
    const LabelSelector selector = LabelSelector::from_map(s.selector);
    const bool exposes = std::any_of(workspaces.endpoints.begin(), workspaces.endpoints.end(), [&](const Endpoint& e) {
      return e.namespace_ == s.meta.namespace_ && selector.matches(*e.labels);
    });
    if (exposes) {
      std::vector<std::string> ports;
      for (const ServicePort& sp : s.ports) {
        ports.push_back(fmt::format("{}/{}", sp.port, sp.protocol));
      }
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} Service {}/{} publishes workspace pods on {}; workspaces need no "
                                             "inbound port (users reach them through coderd)",
                                             s.type, s.meta.namespace_, s.meta.name, fmt::join(ports, ", ")),
                                 {ref(s)}, {evidence_at(s, "/spec/type", s.type)}));
    }
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-workspace-ingress",
  .area = "network",
  .title = "Workspaces accept no inbound connections",
  .description = "Flags workspace pods that no NetworkPolicy isolates for ingress and policy rules that admit "
                 "traffic from the whole network (warn), narrower ingress rules (info), and LoadBalancer or "
                 "NodePort Services selecting workspace pods (warn): workspaces need no open port.",
  .severity = Outcome::warn,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Add a NetworkPolicy with `policyTypes: [Ingress]` and no ingress rules selecting the workspace "
                 "pods, and drop Services that publish them.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
