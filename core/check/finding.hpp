#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// The one outcome scale of the project, ordered by how much it demands attention: a check's
// outcome is the highest of its findings'. `unknown` ranks above `info` and `pass` so that a
// check never passes on data it could not see, and below `warn` so that a real problem found in
// the data that was seen still shows.
enum class Outcome : std::uint8_t
{
  pass = 0,
  info = 1,
  unknown = 2,
  warn = 3,
  fail = 4,
};

std::string_view to_string(Outcome outcome);

// Parses `pass`, `info`, `unknown`, `warn` or `fail`.
std::optional<Outcome> parse_outcome(std::string_view text);

// An object a finding is about.
struct ObjectRef
{
  std::string kind;
  std::string namespace_;
  std::string name;

  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

// Where in the archive a finding's data comes from: a bundle path, a JSON pointer into it (may be
// empty), and the value seen there (cut to a readable length).
struct Evidence
{
  std::string path;
  std::string pointer;
  std::string value;
};

// One observation of a check.
struct Finding
{
  Outcome outcome = Outcome::pass;
  std::string message; // this instance: what, where, how much
  std::vector<ObjectRef> objects;
  std::vector<Evidence> evidence;
};

// Cuts `value` to at most `max` characters, marking the cut.
std::string excerpt(std::string_view value, std::size_t max = 200);

} // namespace cva
