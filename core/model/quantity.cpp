#include "quantity.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <utility>

namespace cva {

namespace {

constexpr Int128 k_nano_per_unit = 1'000'000'000;

// 10^37 is the largest power of ten below the Int128 maximum; values past it are refused.
constexpr Int128 k_max_nano = static_cast<Int128>(1'000'000'000'000'000'000ULL) *
                              static_cast<Int128>(10'000'000'000'000'000'000ULL);

bool mul_checked(Int128 a, Int128 b, Int128& out)
{
  if (a == 0 || b == 0) {
    out = 0;
    return true;
  }
  if (a > k_max_nano / b) {
    return false;
  }
  out = a * b;
  return true;
}

Int128 pow10(int e)
{
  Int128 v = 1;
  for (int i = 0; i < e; ++i) {
    v *= 10;
  }
  return v;
}

std::string int128_to_string(Int128 v)
{
  if (v == 0) {
    return "0";
  }
  const bool neg = v < 0;
  std::string s;
  while (v != 0) {
    const int digit = static_cast<int>(v % 10);
    s.insert(s.begin(), static_cast<char>('0' + (neg ? -digit : digit)));
    v /= 10;
  }
  if (neg) {
    s.insert(s.begin(), '-');
  }
  return s;
}

} // namespace

Result<Quantity> Quantity::parse(std::string_view text)
{
  const auto bad = [&] { return fail(fmt::format("invalid quantity '{}'", text)); };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  // Digits of the mantissa, with the position of the decimal point.
  std::string digits;
  int frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (seen_point) {
        ++frac_digits;
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) {
    return bad();
  }
  const std::string_view suffix = text.substr(i);
  // Scale as (multiplier, decimal exponent) applied to nano-units.
  Int128 binary = 1;
  int exponent = 0;
  static constexpr std::array<std::pair<std::string_view, int>, 6> k_binary{
    {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}}};
  static constexpr std::array<std::pair<std::string_view, int>, 9> k_decimal{{{"n", -9},
                                                                               {"u", -6},
                                                                               {"m", -3},
                                                                               {"", 0},
                                                                               {"k", 3},
                                                                               {"M", 6},
                                                                               {"G", 9},
                                                                               {"T", 12},
                                                                               {"P", 15}}};
  bool matched = false;
  for (const auto& [s, bits] : k_binary) {
    if (suffix == s) {
      binary = static_cast<Int128>(1) << bits;
      matched = true;
    }
  }
  for (const auto& [s, e] : k_decimal) {
    if (!matched && suffix == s) {
      exponent = e;
      matched = true;
    }
  }
  if (!matched && suffix == "E") {
    exponent = 18;
    matched = true;
  }
  if (!matched && suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    int e = 0;
    std::size_t j = 1;
    bool eneg = false;
    if (suffix[j] == '+' || suffix[j] == '-') {
      eneg = suffix[j] == '-';
      ++j;
    }
    if (j >= suffix.size()) {
      return bad();
    }
    for (; j < suffix.size(); ++j) {
      if (suffix[j] < '0' || suffix[j] > '9' || e > 1000) {
        return bad();
      }
      e = e * 10 + (suffix[j] - '0');
    }
    exponent = eneg ? -e : e;
    matched = true;
  }
  if (!matched) {
    return bad();
  }
  // value_nano = digits * 10^(9 + exponent - frac_digits) * binary
  // Strip leading zeros so long zero-padded inputs do not overflow.
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  const int shift = 9 + exponent - frac_digits;
  Int128 mantissa = 0;
  bool round_up = false;
  const int keep = shift >= 0 ? static_cast<int>(digits.size())
                              : static_cast<int>(digits.size()) + shift;
  for (int k = 0; k < static_cast<int>(digits.size()); ++k) {
    if (k < keep) {
      if (!mul_checked(mantissa, 10, mantissa)) {
        return fail(fmt::format("quantity '{}' is out of range", text));
      }
      mantissa += digits[static_cast<std::size_t>(k)] - '0';
    } else {
      if (digits[static_cast<std::size_t>(k)] != '0') {
        round_up = true;
      }
    }
  }
  Int128 nano = mantissa;
  if (shift > 0) {
    if (shift > 36 || !mul_checked(nano, pow10(shift), nano)) {
      return fail(fmt::format("quantity '{}' is out of range", text));
    }
  }
  if (round_up) {
    nano += 1;
  }
  if (!mul_checked(nano, binary, nano)) {
    return fail(fmt::format("quantity '{}' is out of range", text));
  }
  Quantity q;
  q.m_nano = negative ? -nano : nano;
  q.m_text = std::string(text);
  return q;
}

Quantity Quantity::from_milli(std::int64_t milli)
{
  Quantity q;
  q.m_nano = static_cast<Int128>(milli) * 1'000'000;
  q.m_text = q.to_cpu_string();
  return q;
}

namespace {
std::int64_t saturate(Int128 v)
{
  if (v > std::numeric_limits<std::int64_t>::max()) {
    return std::numeric_limits<std::int64_t>::max();
  }
  if (v < std::numeric_limits<std::int64_t>::min()) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(v);
}
Int128 div_ceil(Int128 a, Int128 b)
{
  const Int128 q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}
} // namespace

std::int64_t Quantity::value() const
{
  return saturate(div_ceil(m_nano, k_nano_per_unit));
}

std::int64_t Quantity::milli() const
{
  return saturate(div_ceil(m_nano, 1'000'000));
}

double Quantity::as_double() const
{
  return static_cast<double>(m_nano) / 1e9;
}

Quantity Quantity::operator+(const Quantity& other) const
{
  Quantity q;
  q.m_nano = m_nano + other.m_nano;
  q.m_text = int128_to_string(div_ceil(q.m_nano, 1'000'000)) + "m";
  return q;
}

std::string Quantity::to_binary_string() const
{
  const Int128 bytes = div_ceil(m_nano, k_nano_per_unit);
  static constexpr std::array<std::pair<std::string_view, int>, 5> k_units{
    {{"Ti", 40}, {"Gi", 30}, {"Mi", 20}, {"Ki", 10}, {"", 0}}};
  for (const auto& [suffix, bits] : k_units) {
    const Int128 unit = static_cast<Int128>(1) << bits;
    if (bytes >= unit && bytes % unit == 0) {
      return int128_to_string(bytes / unit) + std::string(suffix);
    }
  }
  if (bytes >= (static_cast<Int128>(1) << 30)) {
    return fmt::format("{:.1f}Gi", static_cast<double>(bytes) / (1 << 30));
  }
  if (bytes >= (static_cast<Int128>(1) << 20)) {
    return fmt::format("{:.1f}Mi", static_cast<double>(bytes) / (1 << 20));
  }
  return int128_to_string(bytes);
}

std::string Quantity::to_cpu_string() const
{
  const Int128 m = div_ceil(m_nano, 1'000'000);
  if (m % 1000 == 0) {
    return int128_to_string(m / 1000);
  }
  return int128_to_string(m) + "m";
}

} // namespace cva
