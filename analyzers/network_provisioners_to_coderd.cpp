// Checks that external provisioners and workspace proxies can reach coderd: provisioners take
// build jobs from it and proxies register and relay through it. Each connects to its CODER_URL
// (CODER_PRIMARY_ACCESS_URL for proxies) when that names a Service in the cluster, else to
// coderd's Service.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

// Where the pods of `role` say coderd is: the URL in `variable` of their first container, when
// its value is visible and parses.
std::optional<Destination> configured(const NetworkView& view, const Target& pods, std::string_view variable)
{
  for (const Endpoint& e : pods.endpoints) {
    if (e.containers == nullptr || e.containers->empty()) {
      continue;
    }
    const auto value = effective_env(view.snapshot(), e.namespace_, e.containers->front(), variable);
    if (!value || value->kind != EnvValue::Kind::literal) {
      continue;
    }
    const auto hp = parse_host_port(value->value);
    if (!hp) {
      continue;
    }
    const std::uint32_t port = hp->port.value_or(hp->scheme == "https" ? 443 : 80);
    Destination d = resolve_host(view, hp->host, port, e.namespace_);
    d.text = fmt::format("coderd at {} ({}={})", d.text, variable, value->value);
    return d;
  }
  return std::nullopt;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const NetworkView view(snapshot);
  std::optional<Destination> fallback;
  if (const Service* service = view.coderd_service()) {
    fallback = Destination{view.service_target(*service), *view.coderd_service_port(*service), {}, false};
    fallback->text = fmt::format("coderd ({})", fallback->target.description);
  } else {
    fallback = Destination{view.role_pods({CoderRole::coderd}, "coderd pods"),
                           PortQuery{Protocol::tcp, k_coderd_http_port}, "the coderd pods", false};
  }
  bool any = false;
  for (const auto& [role, noun, variable] :
       {std::tuple{CoderRole::provisioner, "provisioner pod", "CODER_URL"},
        std::tuple{CoderRole::workspace_proxy, "workspace proxy pod", "CODER_PRIMARY_ACCESS_URL"}}) {
    const Target from = view.role_pods({role}, noun);
    if (from.endpoints.empty()) {
      continue;
    }
    any = true;
    const std::optional<Destination> to = configured(view, from, variable);
    const Destination& d = to ? *to : *fallback;
    auto more = path_findings(view, PathSpec{noun, &from, &d.target, d.text, {Requirement{d.port, Outcome::fail}},
                                             d.outside ? "addresses outside the cluster" : ""});
    findings.insert(findings.end(), more.begin(), more.end());
  }
  if (!any) {
    return {finding(Outcome::info, "no external provisioner or workspace proxy pods run in the cluster, so there is "
                                   "no path of theirs to check")};
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-provisioners-to-coderd",
  .area = "network",
  .title = "Provisioners and workspace proxies can reach coderd",
  .description = "Evaluates the NetworkPolicies between external provisioner and workspace proxy pods and coderd: "
                 "the Service named by their CODER_URL (CODER_PRIMARY_ACCESS_URL for proxies) when it is visible, "
                 "else coderd's Service.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow egress from the provisioner and proxy pods to coderd on TCP 8080 (and the Service port), and "
                 "ingress to coderd from their namespace.",
  .doc_url = "https://coder.com/docs/admin/provisioners",
  .run = &analyze,
});
