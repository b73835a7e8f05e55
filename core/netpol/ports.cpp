#include "ports.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace cva::netpol {

std::string_view to_string(Protocol protocol)
{
  switch (protocol) {
    case Protocol::tcp:
      return "TCP";
    case Protocol::udp:
      return "UDP";
    case Protocol::sctp:
      return "SCTP";
  }
  return "TCP";
}

std::optional<Protocol> parse_protocol(std::string_view text)
{
  std::string upper(text);
  for (char& c : upper) {
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  for (Protocol p : k_protocols) {
    if (upper == to_string(p)) {
      return p;
    }
  }
  return std::nullopt;
}

PortSet PortSet::all()
{
  PortSet s;
  for (auto& ports : s.m_ports) {
    ports = IntervalSet<std::uint32_t>(k_min_port, k_max_port);
  }
  return s;
}

PortSet PortSet::every(Protocol protocol)
{
  return range(protocol, k_min_port, k_max_port);
}

PortSet PortSet::range(Protocol protocol, std::uint32_t lo, std::uint32_t hi)
{
  PortSet s;
  s.m_ports[static_cast<std::size_t>(protocol)] =
    IntervalSet<std::uint32_t>(std::max(lo, k_min_port), std::min(hi, k_max_port));
  return s;
}

bool PortSet::empty() const
{
  return std::all_of(m_ports.begin(), m_ports.end(), [](const auto& p) { return p.empty(); });
}

bool PortSet::is_all() const
{
  return std::all_of(m_ports.begin(), m_ports.end(),
                     [](const auto& p) { return p.covers(k_min_port, k_max_port); });
}

bool PortSet::contains(Protocol protocol, std::uint32_t port) const
{
  return ports(protocol).contains(port);
}

bool PortSet::covers(const PortSet& other) const
{
  for (std::size_t i = 0; i < m_ports.size(); ++i) {
    if (!m_ports[i].covers(other.m_ports[i])) {
      return false;
    }
  }
  return true;
}

PortSet& PortSet::unite(const PortSet& other)
{
  for (std::size_t i = 0; i < m_ports.size(); ++i) {
    m_ports[i].unite(other.m_ports[i]);
  }
  return *this;
}

PortSet PortSet::intersect(const PortSet& other) const
{
  PortSet out;
  for (std::size_t i = 0; i < m_ports.size(); ++i) {
    out.m_ports[i] = m_ports[i].intersect(other.m_ports[i]);
  }
  return out;
}

PortSet PortSet::subtract(const PortSet& other) const
{
  PortSet out;
  for (std::size_t i = 0; i < m_ports.size(); ++i) {
    out.m_ports[i] = m_ports[i].subtract(other.m_ports[i]);
  }
  return out;
}

std::string PortSet::to_string() const
{
  if (is_all()) {
    return "all";
  }
  if (empty()) {
    return "none";
  }
  std::vector<std::string> parts;
  for (Protocol p : k_protocols) {
    const auto& set = ports(p);
    if (set.covers(k_min_port, k_max_port)) {
      parts.push_back(fmt::format("{} all", netpol::to_string(p)));
      continue;
    }
    for (const auto& [lo, hi] : set.intervals()) {
      parts.push_back(lo == hi ? fmt::format("{} {}", netpol::to_string(p), lo)
                               : fmt::format("{} {}-{}", netpol::to_string(p), lo, hi));
    }
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

Json PortSet::to_json() const
{
  if (is_all()) {
    return Json{{"all", true}};
  }
  Json out = Json::array();
  for (Protocol p : k_protocols) {
    const auto& set = ports(p);
    if (set.covers(k_min_port, k_max_port)) {
      out.push_back(Json{{"protocol", netpol::to_string(p)}});
      continue;
    }
    for (const auto& [lo, hi] : set.intervals()) {
      Json item{{"protocol", netpol::to_string(p)}, {"port", lo}};
      if (hi != lo) {
        item["end_port"] = hi;
      }
      out.push_back(std::move(item));
    }
  }
  return out;
}

} // namespace cva::netpol
