#include "logs.hpp"

#include <core/util/time.hpp>

#include <fmt/format.h>
#include <re2/re2.h>

#include <vector>

namespace cva::serve {

namespace {

struct Line
{
  std::string_view text; // with its newline, if it had one
  std::optional<std::int64_t> seconds;
  std::string stamp;     // the kubelet-form timestamp, empty when unknown
  bool stamped = false;  // the line already starts with an RFC 3339 timestamp
};

void read_time(Line& line)
{
  static const RE2 k_rfc3339(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s)");
  static const RE2 k_plain(R"(^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?\s)");
  std::string rfc;
  std::string day;
  std::string clock;
  std::string fraction;
  if (RE2::PartialMatch(line.text.substr(0, 48), k_rfc3339, &rfc)) {
    line.seconds = parse_rfc3339(rfc);
    line.stamped = line.seconds.has_value();
    line.stamp = rfc;
  } else if (RE2::PartialMatch(line.text.substr(0, 48), k_plain, &day, &clock, &fraction)) {
    line.seconds = parse_rfc3339(fmt::format("{}T{}Z", day, clock));
    if (line.seconds) {
      fraction.resize(9, '0');
      line.stamp = fmt::format("{}T{}.{}Z", day, clock, fraction);
    }
  }
}

} // namespace

std::string cut_log(std::string_view text, const LogQuery& query, std::int64_t now)
{
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(Line{text.substr(pos, end - pos), std::nullopt, {}, false});
    pos = end;
  }
  const bool need_times = query.timestamps || query.since_seconds || query.since_time;
  if (need_times) {
    const Line* previous = nullptr;
    for (Line& line : lines) {
      read_time(line);
      if (!line.seconds && previous != nullptr) {
        line.seconds = previous->seconds;
        line.stamp = previous->stamp;
      }
      previous = &line;
    }
  }
  std::optional<std::int64_t> since = query.since_time;
  if (query.since_seconds) {
    since = now - *query.since_seconds;
  }
  if (since) {
    std::erase_if(lines, [&](const Line& l) { return l.seconds && *l.seconds < *since; });
  }
  std::size_t first = 0;
  if (query.tail_lines && *query.tail_lines >= 0 &&
      static_cast<std::size_t>(*query.tail_lines) < lines.size()) {
    first = lines.size() - static_cast<std::size_t>(*query.tail_lines);
  }
  std::string out;
  for (std::size_t i = first; i < lines.size(); ++i) {
    if (query.timestamps && !lines[i].stamped && !lines[i].stamp.empty()) {
      out += lines[i].stamp;
      out += ' ';
    }
    out += lines[i].text;
  }
  if (query.limit_bytes && *query.limit_bytes >= 0 &&
      static_cast<std::size_t>(*query.limit_bytes) < out.size()) {
    out.resize(static_cast<std::size_t>(*query.limit_bytes));
  }
  return out;
}

} // namespace cva::serve
