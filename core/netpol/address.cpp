#include "address.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>

namespace cva::netpol {

namespace {

constexpr Uint128 k_v4_max = 0xffffffffU;
constexpr Uint128 k_v6_max = ~Uint128(0);

int bits_of(Family f)
{
  return f == Family::v4 ? 32 : 128;
}

Uint128 max_of(Family f)
{
  return f == Family::v4 ? k_v4_max : k_v6_max;
}

// The mask of the host part of a /prefix block (all ones below the prefix).
Uint128 host_mask(Family f, int prefix)
{
  const int host_bits = bits_of(f) - prefix;
  if (host_bits <= 0) {
    return 0;
  }
  if (host_bits >= 128) {
    return k_v6_max;
  }
  return (Uint128(1) << host_bits) - 1;
}

std::optional<std::uint32_t> parse_v4(std::string_view text)
{
  std::uint32_t out = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 4) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
      ++digits;
    }
    // Leading zeros are refused, as Go's parser does: `010` is ambiguous (octal or decimal).
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[i - digits] == '0')) {
      return std::nullopt;
    }
    out = (out << 8) | value;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') {
        return std::nullopt;
      }
      ++i;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  return out;
}

// Parses colon-separated hex groups (and an IPv4 tail when `last`) into 16-bit groups.
bool parse_groups(std::string_view text, bool last, std::vector<std::uint16_t>& out)
{
  if (text.empty()) {
    return true;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    const std::string_view part = text.substr(start, colon == std::string_view::npos ? text.npos : colon - start);
    if (colon == std::string_view::npos && last && part.find('.') != std::string_view::npos) {
      const auto v4 = parse_v4(part);
      if (!v4) {
        return false;
      }
      out.push_back(static_cast<std::uint16_t>(*v4 >> 16));
      out.push_back(static_cast<std::uint16_t>(*v4 & 0xffff));
      return true;
    }
    if (part.empty() || part.size() > 4) {
      return false;
    }
    unsigned value = 0;
    for (char c : part) {
      unsigned digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return false;
      }
      value = value * 16 + digit;
    }
    out.push_back(static_cast<std::uint16_t>(value));
    if (colon == std::string_view::npos) {
      return true;
    }
    start = colon + 1;
  }
}

std::optional<Uint128> parse_v6(std::string_view text)
{
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, true, head) || head.size() != 8) {
      return std::nullopt;
    }
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) {
      return std::nullopt;
    }
    if (!parse_groups(text.substr(0, gap), false, head) || !parse_groups(text.substr(gap + 2), true, tail) ||
        head.size() + tail.size() > 7) {
      return std::nullopt;
    }
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  Uint128 value = 0;
  for (std::uint16_t g : head) {
    value = (value << 16) | g;
  }
  return value;
}

std::vector<Cidr> to_cidrs(Family f, Uint128 lo, Uint128 hi)
{
  std::vector<Cidr> out;
  const int bits = bits_of(f);
  while (true) {
    int prefix = bits;
    // Grow the block while it stays aligned at `lo` and inside [lo, hi].
    while (prefix > 0) {
      const Uint128 mask = host_mask(f, prefix - 1);
      if ((lo & mask) != 0 || mask > hi - lo) {
        break;
      }
      --prefix;
    }
    out.push_back(Cidr{IpAddress{f, lo}, prefix});
    const Uint128 end = lo + host_mask(f, prefix);
    if (end >= hi) {
      return out;
    }
    lo = end + 1;
  }
}

std::vector<AddressSet::Block> family_blocks(Family f, const IntervalSet<Uint128>& set)
{
  std::vector<AddressSet::Block> out;
  if (set.empty()) {
    return out;
  }
  std::vector<Cidr> plain;
  for (const auto& [lo, hi] : set.intervals()) {
    const auto c = to_cidrs(f, lo, hi);
    plain.insert(plain.end(), c.begin(), c.end());
  }
  const Uint128 lo = set.intervals().front().first;
  const Uint128 hi = set.intervals().back().second;
  int prefix = bits_of(f);
  while (prefix > 0 && (lo & ~host_mask(f, prefix)) != (hi & ~host_mask(f, prefix))) {
    --prefix;
  }
  const Cidr cover{IpAddress{f, lo & ~host_mask(f, prefix) & max_of(f)}, prefix};
  const auto holes = IntervalSet<Uint128>(cover.first(), cover.last()).subtract(set);
  std::vector<Cidr> except;
  for (const auto& [hlo, hhi] : holes.intervals()) {
    const auto c = to_cidrs(f, hlo, hhi);
    except.insert(except.end(), c.begin(), c.end());
  }
  if (!except.empty() && except.size() + 1 < plain.size()) {
    out.push_back(AddressSet::Block{cover, std::move(except)});
    return out;
  }
  for (const Cidr& c : plain) {
    out.push_back(AddressSet::Block{c, {}});
  }
  return out;
}

} // namespace

std::string IpAddress::to_string() const
{
  if (family == Family::v4) {
    const auto v = static_cast<std::uint32_t>(value);
    return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  }
  std::array<unsigned, 8> groups{};
  for (int i = 0; i < 8; ++i) {
    groups[static_cast<std::size_t>(i)] = static_cast<unsigned>((value >> (16 * (7 - i))) & 0xffff);
  }
  int best = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) {
      ++j;
    }
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out += ':';
    }
    out += fmt::format("{:x}", groups[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::optional<IpAddress> parse_ip(std::string_view text)
{
  if (text.find(':') != std::string_view::npos) {
    if (const auto v6 = parse_v6(text)) {
      return IpAddress{Family::v6, *v6};
    }
    return std::nullopt;
  }
  if (const auto v4 = parse_v4(text)) {
    return IpAddress{Family::v4, *v4};
  }
  return std::nullopt;
}

Uint128 Cidr::last() const
{
  return address.value | host_mask(address.family, prefix);
}

std::string Cidr::to_string() const
{
  return fmt::format("{}/{}", address.to_string(), prefix);
}

Result<Cidr> parse_cidr(std::string_view text, bool allow_bare)
{
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos && !allow_bare) {
    return fail(fmt::format("invalid CIDR \"{}\": expected address/prefix", text));
  }
  const auto address = parse_ip(text.substr(0, slash));
  if (!address) {
    return fail(fmt::format("invalid {} \"{}\"", allow_bare ? "address or CIDR" : "CIDR", text));
  }
  int prefix = bits_of(address->family);
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    int value = 0;
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail(fmt::format("invalid CIDR \"{}\": bad prefix length", text));
    }
    for (char c : digits) {
      value = value * 10 + (c - '0');
    }
    if (value > bits_of(address->family)) {
      return fail(fmt::format("invalid CIDR \"{}\": prefix longer than {} bits", text, bits_of(address->family)));
    }
    prefix = value;
  }
  Cidr out{*address, prefix};
  out.address.value &= ~host_mask(address->family, prefix) & max_of(address->family);
  return out;
}

std::string AddressSet::Block::to_string() const
{
  if (except.empty()) {
    return cidr.to_string();
  }
  std::vector<std::string> parts;
  for (const Cidr& c : except) {
    parts.push_back(c.to_string());
  }
  return fmt::format("{} except {}", cidr.to_string(), fmt::join(parts, ", "));
}

AddressSet AddressSet::all()
{
  AddressSet s;
  s.m_v4 = IntervalSet<Uint128>(0, k_v4_max);
  s.m_v6 = IntervalSet<Uint128>(0, k_v6_max);
  return s;
}

AddressSet AddressSet::of(const Cidr& cidr)
{
  AddressSet s;
  (cidr.address.family == Family::v4 ? s.m_v4 : s.m_v6) = IntervalSet<Uint128>(cidr.first(), cidr.last());
  return s;
}

AddressSet AddressSet::of(const IpAddress& address)
{
  return of(Cidr{address, bits_of(address.family)});
}

bool AddressSet::is_all() const
{
  return m_v4.covers(0, k_v4_max) && m_v6.covers(0, k_v6_max);
}

bool AddressSet::contains(const IpAddress& address) const
{
  return (address.family == Family::v4 ? m_v4 : m_v6).contains(address.value);
}

AddressSet& AddressSet::unite(const AddressSet& other)
{
  m_v4.unite(other.m_v4);
  m_v6.unite(other.m_v6);
  return *this;
}

AddressSet AddressSet::intersect(const AddressSet& other) const
{
  AddressSet out;
  out.m_v4 = m_v4.intersect(other.m_v4);
  out.m_v6 = m_v6.intersect(other.m_v6);
  return out;
}

AddressSet AddressSet::subtract(const AddressSet& other) const
{
  AddressSet out;
  out.m_v4 = m_v4.subtract(other.m_v4);
  out.m_v6 = m_v6.subtract(other.m_v6);
  return out;
}

std::vector<AddressSet::Block> AddressSet::blocks() const
{
  auto out = family_blocks(Family::v4, m_v4);
  auto v6 = family_blocks(Family::v6, m_v6);
  out.insert(out.end(), v6.begin(), v6.end());
  return out;
}

std::string AddressSet::to_string() const
{
  if (is_all()) {
    return "any address";
  }
  if (empty()) {
    return "no address";
  }
  std::vector<std::string> parts;
  for (const Block& b : blocks()) {
    parts.push_back(b.to_string());
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

Json AddressSet::to_json() const
{
  Json out = Json::array();
  for (const Block& b : blocks()) {
    Json item{{"cidr", b.cidr.to_string()}};
    if (!b.except.empty()) {
      item["except"] = Json::array();
      for (const Cidr& c : b.except) {
        item["except"].push_back(c.to_string());
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

} // namespace cva::netpol
