#pragma once

#include <core/model/snapshot.hpp>
#include <core/netpol/engine.hpp>
#include <core/netpol/query.hpp>

#include "../support/support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

// Small hand-written clusters for the NetworkPolicy engine's tests.
namespace cva::test {

// A Namespace manifest with `labels` (a YAML flow map such as `{team: a}`).
std::string namespace_yaml(const std::string& name, const std::string& labels = "{}");

// A running Pod manifest. `ports` is a YAML flow list of container ports; `ip` may be empty (no IP).
std::string pod_yaml(const std::string& ns, const std::string& name, const std::string& labels, const std::string& ip,
                     const std::string& ports = "[]", bool host_network = false);

// A snapshot (from manifests) and an engine over it.
struct NetpolCluster
{
  explicit NetpolCluster(const std::string& yaml);

  std::unique_ptr<Snapshot> snapshot;
  std::unique_ptr<netpol::Engine> engine;

  const netpol::Endpoint& pod(const std::string& qualified) const;
  // The ports allowed from pod `from` to pod `to` (`ns/name` each).
  netpol::PortSet ports(const std::string& from, const std::string& to) const;
  // The answer to `--from from --to to [--port port]`; fails the test on an error.
  netpol::Answer ask(const std::string& from, const std::string& to, const std::string& port = {}) const;
  netpol::Verdict verdict(const std::string& from, const std::string& to, const std::string& port = {}) const;
};

// --- Inline implementations ---


inline std::string namespace_yaml(const std::string& name, const std::string& labels)
{
  return fmt::format("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {}\n  labels: {}\n", name, labels);
}

inline std::string pod_yaml(const std::string& ns, const std::string& name, const std::string& labels, const std::string& ip,
                     const std::string& ports, bool host_network)
{
  std::string status = "status:\n  phase: Running\n";
  if (!ip.empty()) {
    status += fmt::format("  podIP: '{}'\n  podIPs: [{{ip: '{}'}}]\n", ip, ip);
  }
  return fmt::format("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\n  namespace: {}\n  labels: {}\n"
                     "spec:\n  hostNetwork: {}\n  containers:\n  - name: main\n    image: example/main:1\n"
                     "    ports: {}\n{}",
                     name, ns, labels, host_network ? "true" : "false", ports, status);
}

inline NetpolCluster::NetpolCluster(const std::string& yaml)
  : snapshot(std::make_unique<Snapshot>(snapshot_from_manifests(yaml))),
    engine(std::make_unique<netpol::Engine>(*snapshot))
{
}

inline const netpol::Endpoint& NetpolCluster::pod(const std::string& qualified) const
{
  for (const netpol::Endpoint& e : engine->endpoints()) {
    if (e.qualified_name() == qualified) {
      return e;
    }
  }
  FAIL("no endpoint " << qualified);
  throw std::logic_error("unreachable");
}

inline netpol::PortSet NetpolCluster::ports(const std::string& from, const std::string& to) const
{
  return engine->between(pod(from), pod(to)).ports;
}

inline netpol::Answer NetpolCluster::ask(const std::string& from, const std::string& to, const std::string& port) const
{
  auto f = netpol::resolve_target(*engine, from);
  REQUIRE_MESSAGE(f.has_value(), (f ? "" : f.error().message));
  auto t = netpol::resolve_target(*engine, to);
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message));
  std::optional<netpol::PortQuery> q;
  if (!port.empty()) {
    auto parsed = netpol::parse_port_query(port);
    REQUIRE_MESSAGE(parsed.has_value(), (parsed ? "" : parsed.error().message));
    q = *parsed;
  }
  auto answer = netpol::ask(*engine, *f, *t, q);
  REQUIRE_MESSAGE(answer.has_value(), (answer ? "" : answer.error().message));
  return std::move(*answer);
}

inline netpol::Verdict NetpolCluster::verdict(const std::string& from, const std::string& to, const std::string& port) const
{
  return ask(from, to, port).verdict;
}

} // namespace cva::test
