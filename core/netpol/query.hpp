#pragma once

#include <core/netpol/engine.hpp>
#include <core/util/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva::netpol {

// What a `--from`/`--to` argument names: pods (one pod, or a workload's pods), a Service (its
// backend pods, through its ports), or addresses outside any pod.
struct Target
{
  enum class Kind
  {
    pods,
    service,
    addresses,
  };
  Kind kind = Kind::pods;
  std::string text;        // as given
  std::string description; // `pod coder/coder-abc`, `Service coder/coder`, `203.0.113.0/24`
  std::vector<Endpoint> endpoints; // the pods (or templates), or the Service's backends
  const Service* service = nullptr;
  AddressSet addresses;
};

// Resolves `ns/name` (a pod, else a Service, else a Deployment, StatefulSet or DaemonSet: its
// pods) or an address or CIDR. An address that is a (non-hostNetwork) pod's IP names that pod.
// Errors name the text.
Result<Target> resolve_target(const Engine& engine, std::string_view text);

// `service` as a target: its backends are the pods of its namespace that its selector matches
// (none for a Service without a selector).
Target service_target(const Engine& engine, const Service& service);

// A port asked about: `443`, `53/UDP` (TCP when no protocol is given).
struct PortQuery
{
  Protocol protocol = Protocol::tcp;
  std::uint32_t port = 0;

  std::string to_string() const; // `443/TCP`
  PortSet as_set() const { return PortSet::single(protocol, port); }
};

Result<PortQuery> parse_port_query(std::string_view text);

enum class Verdict
{
  allowed, // every port asked (every port, when none was) to every address asked
  partial, // some of them
  denied,  // none
  unknown, // not allowed as far as the input shows, but a peer could not be decided
};

std::string_view to_string(Verdict verdict);

// One source-destination pair of an answer.
struct Leg
{
  std::string from;
  std::string to;
  std::string via;        // `Service coder/coder port http 80/TCP -> targetPort http (8080/TCP)`
  PortSet wanted;         // the ports asked (after the Service's targetPort), or all
  PortSet allowed;        // what is allowed of `wanted`, to every address asked
  AddressSet addresses;   // for addresses: those asked
  AddressSet reachable;   // ... and those allowed on every wanted port
  Verdict verdict = Verdict::denied;
  std::vector<std::string> reasons; // one line per side, naming the deciding policies
  std::vector<std::string> doubts;
  std::vector<const Policy*> denied_by;         // policies isolating a side that refused some of it
  std::vector<const Policy*> egress_denied_by;  // ... on the source's egress side
  std::vector<const Policy*> ingress_denied_by; // ... on the destination's ingress side
  std::vector<const Policy*> allowed_by;
};

struct Answer
{
  Verdict verdict = Verdict::denied;
  std::vector<Leg> legs;
  std::vector<std::string> notes; // why there are no legs, and other remarks
};

// Answers "can `from` reach `to` (on `port`)?". With a Service destination, `port` is a port of
// the Service (an error lists its ports when none matches) and each leg goes to one backend
// through the targetPort; a Service with no selector gets an `unknown` answer. Both ends
// addresses is an error.
Result<Answer> ask(const Engine& engine, const Target& from, const Target& to, const std::optional<PortQuery>& port);

// The overall verdict of legs: allowed or denied when all agree, unknown when a leg is,
// partial otherwise (and denied for no legs).
Verdict combine(const std::vector<Leg>& legs);

} // namespace cva::netpol
