#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Cutting a collected container log the way the kubelet cuts a live one for `kubectl logs`.
namespace cva::serve {

// The `pods/<name>/log` query parameters that shape the text.
struct LogQuery
{
  std::optional<std::int64_t> tail_lines;    // `tailLines`: the last N lines
  std::optional<std::int64_t> limit_bytes;   // `limitBytes`: at most N bytes (after tailLines)
  std::optional<std::int64_t> since_seconds; // `sinceSeconds`: lines from N seconds before `now`
  std::optional<std::int64_t> since_time;    // `sinceTime`, as seconds since the epoch
  bool timestamps = false;                   // `timestamps`: prefix each line with its time
};

// Applies `query` to `text`, a collected log. Line times come from each line's own leading
// timestamp: an RFC 3339 one (as `kubectl logs --timestamps` writes) or `YYYY-MM-DD HH:MM:SS[.fff]`
// (Coder's, read as UTC); a line without one (a stack trace) shares the time of the line before.
// `timestamps` prefixes each line with its time in the kubelet's form
// (`2026-11-20T08:58:19.402000000Z `) unless the line already starts with an RFC 3339 time;
// a line whose time is unknown gets no prefix, since inventing one would mislead. Lines of
// unknown time are kept by since* filters. `now` is the reference for sinceSeconds.
std::string cut_log(std::string_view text, const LogQuery& query, std::int64_t now);

} // namespace cva::serve
