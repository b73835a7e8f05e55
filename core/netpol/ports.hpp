#pragma once

#include <core/netpol/interval_set.hpp>
#include <core/util/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cva::netpol {

// The protocols a NetworkPolicy port can name.
enum class Protocol : std::uint8_t
{
  tcp,
  udp,
  sctp,
};

inline constexpr std::array<Protocol, 3> k_protocols = {Protocol::tcp, Protocol::udp, Protocol::sctp};

// `TCP`, `UDP` or `SCTP`, as the API spells them.
std::string_view to_string(Protocol protocol);

// Parses a protocol name, in any case. nullopt for anything else.
std::optional<Protocol> parse_protocol(std::string_view text);

inline constexpr std::uint32_t k_min_port = 1;
inline constexpr std::uint32_t k_max_port = 65535;

// A set of (protocol, port) pairs: what a rule, or a whole connection, allows.
class PortSet
{
public:
  static PortSet none() { return {}; }
  static PortSet all();
  // Every port of `protocol`.
  static PortSet every(Protocol protocol);
  // Ports lo..hi of `protocol` (clamped to 1..65535).
  static PortSet range(Protocol protocol, std::uint32_t lo, std::uint32_t hi);
  static PortSet single(Protocol protocol, std::uint32_t port) { return range(protocol, port, port); }

  bool empty() const;
  bool is_all() const;
  bool contains(Protocol protocol, std::uint32_t port) const;
  // True when every pair of `other` is in this set.
  bool covers(const PortSet& other) const;
  const IntervalSet<std::uint32_t>& ports(Protocol protocol) const
  {
    return m_ports[static_cast<std::size_t>(protocol)];
  }

  PortSet& unite(const PortSet& other);
  PortSet intersect(const PortSet& other) const;
  PortSet subtract(const PortSet& other) const;

  // `all`, `none`, or a list such as `TCP 443, TCP 8000-8080, UDP all`.
  std::string to_string() const;
  // `{"all": true}` or `[{"protocol": "TCP", "port": 8000, "end_port": 8080}, ...]`
  // (`end_port` only for ranges; a whole protocol has neither port field).
  Json to_json() const;

  friend bool operator==(const PortSet&, const PortSet&) = default;

private:
  std::array<IntervalSet<std::uint32_t>, 3> m_ports;
};

} // namespace cva::netpol
