#pragma once

#include <core/netpol/interval_set.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva::netpol {

__extension__ using Uint128 = unsigned __int128;

enum class Family : std::uint8_t
{
  v4,
  v6,
};

// An IPv4 or IPv6 address; IPv4 values use the low 32 bits.
struct IpAddress
{
  Family family = Family::v4;
  Uint128 value = 0;

  // Dotted quad, or the RFC 5952 form of IPv6 (`2001:db8::1`).
  std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Parses a dotted-quad IPv4 or an IPv6 address (with `::` and an embedded IPv4 tail). nullopt
// when `text` is neither.
std::optional<IpAddress> parse_ip(std::string_view text);

// An address block: the address with its host bits cleared, and the prefix length.
struct Cidr
{
  IpAddress address;
  int prefix = 0;

  Uint128 first() const { return address.value; }
  Uint128 last() const;
  std::string to_string() const;
  friend bool operator==(const Cidr&, const Cidr&) = default;
};

// Parses `10.0.0.0/8` or `2001:db8::/32` (host bits set are cleared, as the API server's sloppy
// parser does). With `allow_bare`, a plain address is a single-address block. The error quotes
// the text.
Result<Cidr> parse_cidr(std::string_view text, bool allow_bare = false);

// A set of IPv4 and IPv6 addresses.
class AddressSet
{
public:
  // One block of the set in the shape of a NetworkPolicy ipBlock.
  struct Block
  {
    Cidr cidr;
    std::vector<Cidr> except;
    std::string to_string() const; // `0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32`
  };

  static AddressSet none() { return {}; }
  static AddressSet all();
  static AddressSet of(const Cidr& cidr);
  static AddressSet of(const IpAddress& address);

  bool empty() const { return m_v4.empty() && m_v6.empty(); }
  bool is_all() const;
  bool contains(const IpAddress& address) const;
  bool covers(const AddressSet& other) const { return m_v4.covers(other.m_v4) && m_v6.covers(other.m_v6); }

  AddressSet& unite(const AddressSet& other);
  AddressSet intersect(const AddressSet& other) const;
  AddressSet subtract(const AddressSet& other) const;

  // The set as few ipBlock-shaped blocks as this can find: each stretch is written either as
  // plain CIDRs or as its enclosing CIDR minus exceptions, whichever is shorter.
  std::vector<Block> blocks() const;
  // `any address`, `no address`, or the blocks joined by `; `.
  std::string to_string() const;
  // `[{"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}, ...]`.
  Json to_json() const;

  friend bool operator==(const AddressSet&, const AddressSet&) = default;

private:
  IntervalSet<Uint128> m_v4;
  IntervalSet<Uint128> m_v6;
};

} // namespace cva::netpol
