#pragma once

#include <core/util/result.hpp>

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace cva {

__extension__ typedef __int128 Int128;

// A Kubernetes resource quantity (`500m`, `12Gi`, `1.5`, `2e3`), held exactly as a whole number
// of nano-units, so `1.5` == `1500m` and `1Gi` == `1073741824`. Fractions finer than a nano-unit
// round up, as the API server does.
class Quantity
{
public:
  Quantity() = default;

  // Parses `text`; an error names the text when it is not a quantity or is out of range.
  static Result<Quantity> parse(std::string_view text);

  // A quantity of `milli` thousandths.
  static Quantity from_milli(std::int64_t milli);

  // The value rounded up to a whole unit (bytes, cores).
  std::int64_t value() const;
  // The value in thousandths, rounded up (millicores).
  std::int64_t milli() const;
  double as_double() const;

  // The text it was parsed from, or a canonical form for computed quantities.
  const std::string& text() const { return m_text; }

  // Human-readable form for memory: `12Gi`, `512Mi`, or bytes.
  std::string to_binary_string() const;
  // Human-readable form for CPU: `4`, `1500m`.
  std::string to_cpu_string() const;

  friend bool operator==(const Quantity& a, const Quantity& b) { return a.m_nano == b.m_nano; }
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b)
  {
    return a.m_nano <=> b.m_nano;
  }
  Quantity operator+(const Quantity& other) const;

private:
  Int128 m_nano = 0;
  std::string m_text;
};

} // namespace cva
