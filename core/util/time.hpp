#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cva {

// Parses an RFC 3339 timestamp as Kubernetes writes them (`2026-11-20T09:12:00Z`, with optional
// fractional seconds and a `Z` or `+hh:mm` offset) into seconds since the Unix epoch. nullopt when
// `text` is not such a timestamp.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_rfc3339(std::int64_t seconds);

// Seconds since the Unix epoch, now.
std::int64_t unix_now();

} // namespace cva

namespace cva {

// Parses a duration as kubectl takes them: `30s`, `5m`, `1h30m`, `2h`, `500ms`, or a plain number
// of seconds. nullopt when `text` is not a duration or is negative.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

} // namespace cva
