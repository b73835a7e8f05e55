#include "finding.hpp"

namespace cva {

std::string_view to_string(Outcome outcome)
{
  switch (outcome) {
    case Outcome::pass:
      return "pass";
    case Outcome::info:
      return "info";
    case Outcome::unknown:
      return "unknown";
    case Outcome::warn:
      return "warn";
    case Outcome::fail:
      return "fail";
  }
  return "unknown";
}

std::optional<Outcome> parse_outcome(std::string_view text)
{
  for (const Outcome o : {Outcome::pass, Outcome::info, Outcome::unknown, Outcome::warn, Outcome::fail}) {
    if (to_string(o) == text) {
      return o;
    }
  }
  return std::nullopt;
}

std::string excerpt(std::string_view value, std::size_t max)
{
  if (value.size() <= max) {
    return std::string(value);
  }
  return std::string(value.substr(0, max)) + "…";
}

} // namespace cva
