#include "common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cva {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence_length(std::string_view s)
{
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    lo = b0 == 0xE0 ? 0xA0 : 0x80;
    hi = b0 == 0xED ? 0x9F : 0xBF;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    lo = b0 == 0xF0 ? 0x90 : 0x80;
    hi = b0 == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) {
    return 0;
  }
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) {
      return 0;
    }
  }
  return n;
}

} // namespace

std::string_view outcome_label(Outcome outcome)
{
  switch (outcome) {
    case Outcome::pass:
      return "PASS";
    case Outcome::info:
      return "INFO";
    case Outcome::unknown:
      return "UNKNOWN";
    case Outcome::warn:
      return "WARN";
    case Outcome::fail:
      return "FAIL";
  }
  return "UNKNOWN";
}

std::vector<const CheckResult*> checks_in_area(const Report& report, std::string_view area)
{
  std::vector<const CheckResult*> out;
  for (const CheckResult& c : report.checks) {
    if (c.info->area == area) {
      out.push_back(&c);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CheckResult* a, const CheckResult* b) { return a->outcome > b->outcome; });
  return out;
}

std::vector<AreaSummary> summarize_areas(const Report& report)
{
  std::vector<AreaSummary> out;
  for (const std::string_view area : k_areas) {
    AreaSummary s;
    s.area = area;
    for (const Outcome o : {Outcome::pass, Outcome::info, Outcome::unknown, Outcome::warn, Outcome::fail}) {
      s.counts[o] = 0;
    }
    for (const CheckResult& c : report.checks) {
      if (c.info->area == area) {
        ++s.counts[c.outcome];
        ++s.total;
        s.worst = std::max(s.worst, c.outcome);
      }
    }
    if (s.total > 0) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string object_text(const ObjectRef& object)
{
  if (object.namespace_.empty()) {
    return fmt::format("{} {}", object.kind, object.name);
  }
  return fmt::format("{} {}/{}", object.kind, object.namespace_, object.name);
}

std::string evidence_text(const Evidence& evidence)
{
  std::string out = evidence.path;
  if (!evidence.pointer.empty()) {
    out += (out.empty() ? "" : " ") + evidence.pointer;
  }
  if (!evidence.value.empty()) {
    out += (out.empty() ? "" : " = ") + evidence.value;
  }
  return out;
}

std::string clean_text(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    const std::string_view seq = text.substr(i, n);
    const auto c = static_cast<unsigned char>(seq[0]);
    const bool control = n == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F);
    const bool noncharacter = seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF";
    if (control || noncharacter) {
      out += k_replacement;
    } else {
      out += seq;
    }
    i += n;
  }
  return out;
}

std::string markup_escape(std::string_view text)
{
  std::string out;
  for (const char c : clean_text(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view text)
{
  constexpr std::string_view k_special = "\\`*_[]<>|&~";
  std::string out;
  for (const char c : clean_text(text)) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      if (k_special.find(c) != std::string_view::npos) {
        out += '\\';
      }
      out += c;
    }
  }
  return out;
}

std::string markdown_code(std::string_view text, bool in_table)
{
  std::string body = clean_text(text);
  std::replace_if(body.begin(), body.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  std::string escaped;
  for (const char c : body) {
    if (c == '|' && in_table) {
      escaped += '\\';
    }
    escaped += c;
  }
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : escaped) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = escaped.empty() || escaped.front() == '`' || escaped.back() == '`';
  return fence + (pad ? " " : "") + escaped + (pad ? " " : "") + fence;
}

} // namespace cva
