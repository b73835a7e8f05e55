#include "labels.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace cva {

StringMap to_string_map(const Json& obj)
{
  StringMap out;
  if (!obj.is_object()) {
    return out;
  }
  for (const auto& [k, v] : obj.items()) {
    if (v.is_string()) {
      out.emplace(k, v.get<std::string>());
    }
  }
  return out;
}

bool operator==(const LabelRequirement& a, const LabelRequirement& b)
{
  return a.key == b.key && a.op == b.op && a.values == b.values;
}

bool LabelRequirement::matches(const StringMap& labels) const
{
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  const auto contains = [&](const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
  };
  switch (op) {
    case Op::equals:
    case Op::in:
      return present && contains(it->second);
    case Op::not_equals:
    case Op::not_in:
      return !present || !contains(it->second);
    case Op::exists:
      return present;
    case Op::does_not_exist:
      return !present;
  }
  return false;
}

LabelSelector LabelSelector::nothing()
{
  LabelSelector s;
  s.m_nothing = true;
  return s;
}

LabelSelector LabelSelector::from_map(const StringMap& match_labels)
{
  LabelSelector s;
  for (const auto& [k, v] : match_labels) {
    s.m_requirements.push_back({k, LabelRequirement::Op::equals, {v}});
  }
  return s;
}

bool LabelSelector::matches(const StringMap& labels) const
{
  if (m_nothing) {
    return false;
  }
  return std::all_of(m_requirements.begin(), m_requirements.end(),
                     [&](const LabelRequirement& r) { return r.matches(labels); });
}

namespace {

bool is_key_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '/';
}

bool is_value_char(char c)
{
  return is_key_char(c) && c != '/';
}

class SelectorLexer
{
public:
  explicit SelectorLexer(std::string_view text) : m_text(text) {}

  void skip_space()
  {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) {
      ++m_pos;
    }
  }
  bool at_end()
  {
    skip_space();
    return m_pos >= m_text.size();
  }
  char peek()
  {
    skip_space();
    return m_pos < m_text.size() ? m_text[m_pos] : '\0';
  }
  bool consume(std::string_view token)
  {
    skip_space();
    if (m_text.substr(m_pos).starts_with(token)) {
      m_pos += token.size();
      return true;
    }
    return false;
  }
  // A word made of key characters (or value characters when `value`).
  std::string word(bool value)
  {
    skip_space();
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && (value ? is_value_char(m_text[m_pos]) : is_key_char(m_text[m_pos]))) {
      ++m_pos;
    }
    return std::string(m_text.substr(start, m_pos - start));
  }
  // True when the next word is `keyword` followed by a space or '('.
  bool consume_keyword(std::string_view keyword)
  {
    skip_space();
    const std::string_view rest = m_text.substr(m_pos);
    if (rest.starts_with(keyword) && rest.size() > keyword.size() &&
        (rest[keyword.size()] == ' ' || rest[keyword.size()] == '(')) {
      m_pos += keyword.size();
      return true;
    }
    return false;
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

} // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text)
{
  LabelSelector s;
  SelectorLexer lex(text);
  const auto bad = [&](std::string_view why) {
    return fail(fmt::format("invalid label selector '{}': {}", text, why));
  };
  if (lex.at_end()) {
    return s;
  }
  while (true) {
    LabelRequirement req;
    if (lex.consume("!")) {
      req.op = LabelRequirement::Op::does_not_exist;
      req.key = lex.word(false);
      if (req.key.empty()) {
        return bad("expected a key after '!'");
      }
    } else {
      req.key = lex.word(false);
      if (req.key.empty()) {
        return bad("expected a key");
      }
      if (lex.consume("==") || lex.consume("=")) {
        req.op = LabelRequirement::Op::equals;
        req.values.push_back(lex.word(true));
      } else if (lex.consume("!=")) {
        req.op = LabelRequirement::Op::not_equals;
        req.values.push_back(lex.word(true));
      } else if (const bool notin = lex.consume_keyword("notin"); notin || lex.consume_keyword("in")) {
        req.op = notin ? LabelRequirement::Op::not_in : LabelRequirement::Op::in;
        if (!lex.consume("(")) {
          return bad("expected '(' after in/notin");
        }
        while (true) {
          const std::string v = lex.word(true);
          req.values.push_back(v);
          if (lex.consume(",")) {
            continue;
          }
          if (lex.consume(")")) {
            break;
          }
          return bad("expected ',' or ')' in a value set");
        }
        if (req.values.size() == 1 && req.values[0].empty()) {
          return bad("an in/notin value set can't be empty");
        }
      } else {
        req.op = LabelRequirement::Op::exists;
      }
    }
    s.m_requirements.push_back(std::move(req));
    if (lex.at_end()) {
      break;
    }
    if (!lex.consume(",")) {
      return bad(fmt::format("unexpected '{}'", lex.peek()));
    }
  }
  return s;
}

Result<LabelSelector> LabelSelector::from_json(const Json& obj)
{
  if (obj.is_null()) {
    return nothing();
  }
  if (!obj.is_object()) {
    return fail("label selector is not an object");
  }
  LabelSelector s;
  for (const auto& [k, v] : to_string_map(json_at(obj, "matchLabels"))) {
    s.m_requirements.push_back({k, LabelRequirement::Op::equals, {v}});
  }
  for (const Json& expr : json_array(obj, "matchExpressions")) {
    LabelRequirement req;
    req.key = json_string(expr, "key");
    const std::string op = json_string(expr, "operator");
    for (const Json& v : json_array(expr, "values")) {
      if (v.is_string()) {
        req.values.push_back(v.get<std::string>());
      }
    }
    if (op == "In") {
      req.op = LabelRequirement::Op::in;
    } else if (op == "NotIn") {
      req.op = LabelRequirement::Op::not_in;
    } else if (op == "Exists") {
      req.op = LabelRequirement::Op::exists;
    } else if (op == "DoesNotExist") {
      req.op = LabelRequirement::Op::does_not_exist;
    } else {
      return fail(fmt::format("unknown label selector operator '{}'", op));
    }
    if ((req.op == LabelRequirement::Op::in || req.op == LabelRequirement::Op::not_in) &&
        req.values.empty()) {
      return fail(fmt::format("label selector operator {} on '{}' needs values", op, req.key));
    }
    s.m_requirements.push_back(std::move(req));
  }
  return s;
}

std::string LabelSelector::to_string() const
{
  if (m_nothing) {
    return "<none>";
  }
  std::string out;
  for (const auto& r : m_requirements) {
    if (!out.empty()) {
      out += ',';
    }
    switch (r.op) {
      case LabelRequirement::Op::equals:
        out += fmt::format("{}={}", r.key, r.values.empty() ? "" : r.values[0]);
        break;
      case LabelRequirement::Op::not_equals:
        out += fmt::format("{}!={}", r.key, r.values.empty() ? "" : r.values[0]);
        break;
      case LabelRequirement::Op::in:
        out += fmt::format("{} in ({})", r.key, fmt::join(r.values, ","));
        break;
      case LabelRequirement::Op::not_in:
        out += fmt::format("{} notin ({})", r.key, fmt::join(r.values, ","));
        break;
      case LabelRequirement::Op::exists:
        out += r.key;
        break;
      case LabelRequirement::Op::does_not_exist:
        out += "!" + r.key;
        break;
    }
  }
  return out;
}

} // namespace cva
