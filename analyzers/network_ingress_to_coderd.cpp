// Checks the path users take into Coder: from the ingress controller (for an Ingress routing to
// coderd) or from outside the cluster (for a LoadBalancer or NodePort Service, or a cloud
// load balancer that targets the pods) to coderd's HTTP port.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

// Ingress classes whose data path is a cloud load balancer outside the cluster.
bool cloud_class(std::string_view cls)
{
  return cls == "alb" || cls == "gce" || cls == "gce-internal" || cls == "azure-application-gateway" ||
         cls == "azure/application-gateway";
}

bool ingress_controller(const Pod& pod)
{
  static const std::vector<std::string_view> k_names = {
    "ingress-nginx", "nginx-ingress", "rke2-ingress-nginx", "nginx-ingress-controller", "traefik", "haproxy-ingress",
    "kubernetes-ingress", "contour", "envoy", "kong", "istio-ingressgateway", "emissary-ingress", "ambassador"};
  for (std::string_view key : {"app.kubernetes.io/name", "app"}) {
    const auto it = pod.meta.labels.find(key);
    if (it != pod.meta.labels.end() && std::find(k_names.begin(), k_names.end(), it->second) != k_names.end()) {
      return true;
    }
  }
  const auto istio = pod.meta.labels.find("istio");
  return istio != pod.meta.labels.end() && istio->second == "ingressgateway";
}

struct Route
{
  const Json* ingress = nullptr;
  std::string name;
  std::string ingress_class;
  std::optional<PortQuery> port;
};

// Ingress objects with a backend on `service`, and the Service port each uses.
std::vector<Route> routes_to(const Snapshot& snapshot, const Service& service)
{
  std::vector<Route> out;
  for (const StoredObject& so : snapshot.store().get("ingresses", "networking.k8s.io").objects) {
    const Json& ing = *so.object;
    const Json& meta = json_at(ing, "metadata");
    if (json_string(meta, "namespace") != service.meta.namespace_) {
      continue;
    }
    std::vector<const Json*> backends;
    const Json& spec = json_at(ing, "spec");
    if (const Json& b = json_path(spec, {"defaultBackend", "service"}); b.is_object()) {
      backends.push_back(&b);
    }
    for (const Json& rule : json_array(spec, "rules")) {
      for (const Json& path : json_array(json_at(rule, "http"), "paths")) {
        if (const Json& b = json_path(path, {"backend", "service"}); b.is_object()) {
          backends.push_back(&b);
        }
      }
    }
    for (const Json* b : backends) {
      if (json_string(*b, "name") != service.meta.name) {
        continue;
      }
      Route r;
      r.ingress = &ing;
      r.name = json_string(meta, "name");
      r.ingress_class = json_string(spec, "ingressClassName",
                                    json_string(json_at(meta, "annotations"), "kubernetes.io/ingress.class"));
      const Json& port = json_at(*b, "port");
      for (const ServicePort& sp : service.ports) {
        if ((json_at(port, "number").is_number() && json_int(port, "number") == sp.port) ||
            (!json_string(port, "name").empty() && json_string(port, "name") == sp.name)) {
          r.port = PortQuery{parse_protocol(sp.protocol).value_or(Protocol::tcp), static_cast<std::uint32_t>(sp.port)};
        }
      }
      out.push_back(std::move(r));
      break;
    }
  }
  return out;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const NetworkView view(snapshot);
  const Service* service = view.coderd_service();
  if (service == nullptr) {
    return {finding(Outcome::unknown, "no Service in front of coderd was found, so the way users reach it is not in "
                                      "the input")};
  }
  const Target coderd = view.service_target(*service);
  const PortQuery http = *view.coderd_service_port(*service);
  const std::string to_text = fmt::format("coderd ({})", coderd.description);
  bool outside = service->type == "LoadBalancer" || service->type == "NodePort";
  const std::vector<Route> routes = routes_to(snapshot, *service);
  std::vector<std::string> in_cluster;
  for (const Route& r : routes) {
    if (cloud_class(r.ingress_class)) {
      outside = true;
    } else {
      in_cluster.push_back(r.name);
    }
  }
  if (!in_cluster.empty()) {
    Target controllers;
    controllers.description = "ingress controller";
    for (const Pod& p : snapshot.pods) {
      if (ingress_controller(p)) {
        if (const Endpoint* e = view.engine().find(p)) {
          controllers.endpoints.push_back(*e);
        }
      }
    }
    if (controllers.endpoints.empty()) {
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("Ingress {}/{} routes to {} but no ingress controller pod was found in "
                                             "the input, so its path to coderd could not be checked",
                                             service->meta.namespace_, in_cluster.front(), coderd.description),
                                 {ref(*service)}));
    } else {
      const auto route =
        std::find_if(routes.begin(), routes.end(), [](const Route& r) { return !cloud_class(r.ingress_class); });
      const PortQuery port = route->port.value_or(http);
      auto more = path_findings(view, PathSpec{"ingress controller pod", &controllers, &coderd,
                                               fmt::format("coderd ({}, behind Ingress {})", coderd.description, route->name),
                                               {Requirement{port, Outcome::fail}}, {}});
      findings.insert(findings.end(), more.begin(), more.end());
    }
  }
  if (outside) {
    auto more = inbound_findings(view, AddressSet::of(*parse_cidr("0.0.0.0/0")),
                                 fmt::format("Clients and load balancers outside the cluster ({} is {})",
                                             coderd.description,
                                             routes.empty() ? service->type : "behind a cloud load balancer"),
                                 coderd, to_text, Requirement{http, Outcome::fail});
    findings.insert(findings.end(), more.begin(), more.end());
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::unknown,
                               fmt::format("{} is a {} Service and no Ingress routes to it, so the way users reach "
                                           "coderd (a Gateway, a proxy outside the cluster) is not in the input",
                                           coderd.description, service->type),
                               {ref(*service)}));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-ingress-to-coderd",
  .area = "network",
  .title = "Users can reach coderd through the ingress or load balancer",
  .description = "Evaluates the NetworkPolicies between the ingress controller pods (for an Ingress routing to "
                 "coderd's Service) or addresses outside the cluster (for a LoadBalancer or NodePort Service, or a "
                 "cloud load balancer class) and coderd's HTTP port.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods", "services"},
  .remediation = "Allow ingress to the coderd pods on TCP 8080 from the ingress controller's namespace, or from the "
                 "load balancer's addresses (ipBlock) when traffic arrives from outside the cluster.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#networking",
  .run = &analyze,
});
