#include "prometheus.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace cva {

namespace {

bool is_name_char(char c, bool first)
{
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

std::optional<double> parse_value(std::string_view text)
{
  if (text == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (text == "+Inf" || text == "Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    return std::nullopt;
  }
  return v;
}

// Parses `{a="x",b="y"}` starting at `pos` (just after the brace); leaves `pos` after the closing
// brace. False on malformed input.
bool parse_labels(std::string_view line, std::size_t& pos, StringMap& labels)
{
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == ',')) {
      ++pos;
    }
    if (pos < line.size() && line[pos] == '}') {
      ++pos;
      return true;
    }
    const std::size_t start = pos;
    while (pos < line.size() && is_name_char(line[pos], pos == start)) {
      ++pos;
    }
    const std::string key(line.substr(start, pos - start));
    if (key.empty() || pos >= line.size() || line[pos] != '=' || pos + 1 >= line.size() || line[pos + 1] != '"') {
      return false;
    }
    pos += 2;
    std::string value;
    bool closed = false;
    while (pos < line.size()) {
      const char c = line[pos++];
      if (c == '\\' && pos < line.size()) {
        const char e = line[pos++];
        value += e == 'n' ? '\n' : e;
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        value += c;
      }
    }
    if (!closed) {
      return false;
    }
    labels[key] = std::move(value);
  }
  return false;
}

} // namespace

Result<std::vector<MetricSample>> parse_prometheus_text(std::string_view text, std::string_view what)
{
  std::vector<MetricSample> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    std::size_t pos = line.find_first_not_of(" \t");
    if (pos == std::string_view::npos || line[pos] == '#') {
      continue;
    }
    MetricSample sample;
    const std::size_t start = pos;
    while (pos < line.size() && is_name_char(line[pos], pos == start)) {
      ++pos;
    }
    sample.name = std::string(line.substr(start, pos - start));
    bool ok = !sample.name.empty();
    if (ok && pos < line.size() && line[pos] == '{') {
      ++pos;
      ok = parse_labels(line, pos, sample.labels);
    }
    std::optional<double> value;
    if (ok) {
      std::string_view rest = line.substr(std::min(pos, line.size()));
      const std::size_t v0 = rest.find_first_not_of(" \t");
      if (v0 != std::string_view::npos && v0 > 0) {
        rest = rest.substr(v0);
        value = parse_value(rest.substr(0, rest.find_first_of(" \t")));
      }
    }
    if (!value) {
      return fail(fmt::format("{}:{}: not a Prometheus sample line: {}", what, line_no,
                              std::string(line.substr(0, 120))));
    }
    sample.value = *value;
    out.push_back(std::move(sample));
  }
  return out;
}

std::optional<double> metric_sum(const std::vector<MetricSample>& samples, std::string_view name,
                                 const StringMap& match)
{
  std::optional<double> sum;
  for (const MetricSample& s : samples) {
    if (s.name != name) {
      continue;
    }
    bool all = true;
    for (const auto& [k, v] : match) {
      const auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) {
        all = false;
        break;
      }
    }
    if (all && !std::isnan(s.value)) {
      sum = sum.value_or(0) + s.value;
    }
  }
  return sum;
}

} // namespace cva
