// Checks that coderd can reach PostgreSQL: the host and port of CODER_PG_CONNECTION_URL when the
// value is visible, the in-cluster PostgreSQL's Service when there is one, otherwise TCP 5432
// to addresses outside the cluster. coderd does not start without its database.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/netpol/paths.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;
using namespace cva::netpol;

constexpr std::uint32_t k_pg_port = 5432;

const Container* coderd_container(const Snapshot& snapshot, std::string& ns)
{
  const auto pick = [](const std::vector<Container>& containers) -> const Container* {
    for (const Container& c : containers) {
      if (c.name == "coder") {
        return &c;
      }
    }
    return containers.empty() ? nullptr : &containers.front();
  };
  if (!snapshot.coder.coderd.empty()) {
    ns = snapshot.coder.coderd.front()->meta.namespace_;
    return pick(snapshot.coder.coderd.front()->spec.containers);
  }
  if (!snapshot.coder.coderd_workloads.empty()) {
    ns = snapshot.coder.coderd_workloads.front()->meta.namespace_;
    return pick(snapshot.coder.coderd_workloads.front()->template_spec.containers);
  }
  return nullptr;
}

// The in-cluster PostgreSQL: a Service selecting its pods, else the pods themselves.
std::optional<Destination> in_cluster_postgres(const NetworkView& view)
{
  const Snapshot& snapshot = view.snapshot();
  if (snapshot.coder.postgres.empty()) {
    return std::nullopt;
  }
  const Pod& pg = *snapshot.coder.postgres.front();
  for (const Service& s : snapshot.services) {
    if (s.meta.namespace_ != pg.meta.namespace_ || s.selector.empty() ||
        !LabelSelector::from_map(s.selector).matches(pg.meta.labels)) {
      continue;
    }
    for (const ServicePort& sp : s.ports) {
      if (sp.port == static_cast<int>(k_pg_port) || sp.name.find("postgres") != std::string::npos) {
        Destination d;
        d.target = view.service_target(s);
        d.port = PortQuery{Protocol::tcp, static_cast<std::uint32_t>(sp.port)};
        d.text = fmt::format("the in-cluster PostgreSQL, {}", d.target.description);
        return d;
      }
    }
  }
  Destination d;
  d.target = view.role_pods({CoderRole::postgres}, "PostgreSQL pods");
  d.port = PortQuery{Protocol::tcp, k_pg_port};
  d.text = "the in-cluster PostgreSQL pods";
  return d;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings = missing_coderd(snapshot);
  if (!findings.empty()) {
    return findings;
  }
  const NetworkView view(snapshot);
  std::string ns;
  const Container* container = coderd_container(snapshot, ns);
  const auto url = container != nullptr ? effective_env(snapshot, ns, *container, "CODER_PG_CONNECTION_URL")
                                        : std::nullopt;
  if (!url) {
    return {finding(Outcome::info, "coderd sets no CODER_PG_CONNECTION_URL, so it runs its built-in PostgreSQL and "
                                   "needs no network path to a database (the database checks flag the built-in "
                                   "database)")};
  }
  std::optional<Destination> destination;
  std::string origin;
  if (url->kind == EnvValue::Kind::literal) {
    if (const auto hp = parse_host_port(url->value)) {
      destination = resolve_host(view, hp->host, hp->port.value_or(k_pg_port), ns);
      origin = fmt::format("host from CODER_PG_CONNECTION_URL, {}", url->origin);
    }
  }
  if (!destination) {
    origin = fmt::format("host not visible: CODER_PG_CONNECTION_URL comes from {}", url->origin);
    destination = in_cluster_postgres(view);
    if (!destination) {
      Destination d;
      d.target.kind = Target::Kind::addresses;
      d.target.addresses = AddressSet::of(*parse_cidr("0.0.0.0/0"));
      d.target.description = "addresses outside the cluster";
      d.port = PortQuery{Protocol::tcp, k_pg_port};
      d.text = "an external PostgreSQL";
      d.outside = true;
      destination = std::move(d);
    }
  }
  const Target coderd = view.role_pods({CoderRole::coderd}, "coderd");
  findings = path_findings(view, PathSpec{"coderd pod", &coderd, &destination->target,
                                          fmt::format("{} ({})", destination->text, origin),
                                          {Requirement{destination->port, Outcome::fail}},
                                          destination->outside ? "addresses outside the cluster" : ""});
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "network-coderd-to-postgres",
  .area = "network",
  .title = "coderd can reach PostgreSQL",
  .description = "Evaluates the NetworkPolicies between coderd and its database: the host and port of "
                 "CODER_PG_CONNECTION_URL when visible, the in-cluster PostgreSQL Service if there is one, otherwise "
                 "TCP 5432 to addresses outside the cluster.",
  .severity = Outcome::fail,
  .inputs = {"networkpolicies", "pods"},
  .remediation = "Allow egress from the coderd pods to the database host on its port (TCP 5432 by default), with an "
                 "ipBlock for an external database or a pod/namespace selector for one in the cluster.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures#postgresql-database",
  .run = &analyze,
});
