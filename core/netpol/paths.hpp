#pragma once

#include <core/check/finding.hpp>
#include <core/model/snapshot.hpp>
#include <core/netpol/enforcement.hpp>
#include <core/netpol/engine.hpp>
#include <core/netpol/query.hpp>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the network checks (analyzers/network_*.cpp) share: the engine with everything that can
// make its verdicts unsure, the Coder targets, and required paths turned into findings.
namespace cva::netpol {

// coderd's HTTP listener (CODER_HTTP_ADDRESS as the Helm chart sets it) and its port name.
inline constexpr std::uint32_t k_coderd_http_port = 8080;
inline constexpr std::string_view k_coderd_http_port_name = "http";

// The engine over one snapshot plus the enforcement and extended-policy picture.
class NetworkView
{
public:
  explicit NetworkView(const Snapshot& snapshot);

  const Snapshot& snapshot() const { return *m_snapshot; }
  const Engine& engine() const { return *m_engine; }
  const EnforcementReport& enforcement() const { return m_enforcement; }
  const ExtendedPolicies& extended() const { return m_extended; }

  // Why a path from namespace `from` to namespace `to` (empty for addresses) cannot pass even
  // when the NetworkPolicies allow it: extended policies that could change it, and NetworkPolicies
  // of those namespaces the engine had to skip. Empty when nothing stands in the way.
  std::vector<std::string> doubts(std::string_view from, std::string_view to) const;

  // The pods with one of `roles`; a workload with such a role and no pod in the input adds its
  // pod template (a stopped workspace still has one).
  Target role_pods(std::initializer_list<CoderRole> roles, std::string description) const;
  // The Service in front of coderd: `coder` in a control-plane namespace when it selects coderd
  // pods, else any Service there that does.
  const Service* coderd_service() const;
  // The Service port that reaches coderd's HTTP listener (targetPort `http` or 8080), or nullopt.
  std::optional<PortQuery> coderd_service_port(const Service& service) const;
  // `service` as a target.
  Target service_target(const Service& service) const;

private:
  const Snapshot* m_snapshot;
  std::unique_ptr<Engine> m_engine;
  EnforcementReport m_enforcement;
  ExtendedPolicies m_extended;
};

// The host and port of a URL (`postgres://u:p@db:5432/coder`, `http://coder.coder.svc`) or of a
// libpq key-value string (`host=db port=5432`); nullopt when neither shape is there (a redacted
// value, say).
struct HostPort
{
  std::string scheme; // empty for key-value strings
  std::string host;
  std::optional<std::uint32_t> port;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// Where a host name or address leads, as a target of a path.
struct Destination
{
  Target target;
  PortQuery port;
  std::string text;     // `Service coder/coder-db port 5432/TCP`, `db.example.com:5432 (outside the cluster)`
  bool outside = false; // a name that is not a Service, or an address of no pod
};

// Resolves `host` as the cluster DNS would (`svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`, with
// `namespace_` for bare names) to a Service, or an IP address to its pod; anything else is
// outside the cluster and becomes every IPv4 address, since names cannot be resolved offline.
Destination resolve_host(const NetworkView& view, std::string_view host, std::uint32_t port,
                         std::string_view namespace_);

// Public IPv4 space: everything but private (RFC 1918), shared (100.64/10), loopback,
// link-local, multicast and reserved ranges, and 0.0.0.0/8. Where git hosts, package registries
// and users are.
AddressSet public_internet();

// A port a path must allow, and the outcome when it does not.
struct Requirement
{
  PortQuery port; // for a Service target, a port of the Service
  Outcome blocked = Outcome::fail;
};

// A path the validated architecture needs, from pods to a target.
struct PathSpec
{
  std::string noun;     // `workspace pod` (pluralised with "s")
  const Target* from = nullptr;
  const Target* to = nullptr;
  std::string to_text;  // `coderd (Service coder/coder)`
  std::vector<Requirement> requirements;
  // For an address target: wording of the addresses in messages (`the internet`).
  std::string addresses_text;
};

// Evaluates `spec` for every source pod and reports one finding per group of sources that share a
// namespace and an answer: `pass` with the policies that allow it; the requirement's outcome
// when blocked, naming the policies that block it and the smallest change that opens it (a
// `kubectl patch` adding one rule); `warn` when only some destinations are reachable;
// `unknown` when only part of an address range is reachable, when a peer could not be decided,
// or when a pass could be overturned by extended policies (see NetworkView::doubts).
std::vector<Finding> path_findings(const NetworkView& view, const PathSpec& spec);

// Traffic from addresses outside the cluster (`from_text`, such as `clients and load
// balancers`) into `to`: one finding, `pass` when every address may connect, the requirement's
// outcome when none may (with the blocking policies and the rule that opens it), `unknown` when
// only some may (naming them).
std::vector<Finding> inbound_findings(const NetworkView& view, const AddressSet& from, const std::string& from_text,
                                      const Target& to, const std::string& to_text, const Requirement& requirement);

// The one-line `kubectl patch` that appends `rule` to `policy`'s ingress or egress rules.
std::string patch_command(const Policy& policy, Direction direction, const Json& rule);

// The labels that identify a group of pods in a podSelector: the common ones among
// app.kubernetes.io/name and /instance, app, k8s-app and component when present, else every
// common label but per-pod hashes.
StringMap identity_labels(const std::vector<const StringMap*>& labels);

} // namespace cva::netpol
