#include "faults.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <charconv>
#include <cstdlib>

namespace cva::serve {

namespace {

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool parse_number(std::string_view text, long& out)
{
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

} // namespace

Result<FaultPlan> FaultPlan::parse(std::string_view text)
{
  FaultPlan plan;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(";\n", pos), text.size());
    const std::string_view rule_text = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (rule_text.empty()) {
      continue;
    }
    const auto bad = [&](std::string_view why) {
      return fail(fmt::format("invalid fault rule '{}': {}", rule_text, why));
    };
    const auto colon = rule_text.find(':');
    if (colon == std::string_view::npos) {
      return bad("expected ACTION:PATTERN");
    }
    std::string_view action = rule_text.substr(0, colon);
    const std::string_view pattern = rule_text.substr(colon + 1);
    Rule rule;
    rule.text = std::string(rule_text);
    if (const auto star = action.find('*'); star != std::string_view::npos) {
      long times = 0;
      if (!parse_number(action.substr(star + 1), times) || times < 1) {
        return bad("the count after '*' must be a positive number");
      }
      rule.remaining = std::make_shared<std::atomic<long>>(times);
      action = action.substr(0, star);
    }
    long number = 0;
    if (action == "drop") {
      rule.action = Rule::Action::drop;
    } else if (action.starts_with("delay=")) {
      if (!parse_number(action.substr(6), number) || number < 0 || number > 600'000) {
        return bad("delay must be 0 to 600000 milliseconds");
      }
      rule.action = Rule::Action::delay;
      rule.delay_ms = static_cast<int>(number);
    } else if (parse_number(action, number) && number >= 400 && number <= 599) {
      rule.action = Rule::Action::status;
      rule.status = static_cast<int>(number);
    } else {
      return bad("ACTION must be a status code 400-599, delay=MS or drop");
    }
    if (pattern.empty()) {
      return bad("empty path pattern");
    }
    if (pattern.front() == '~') {
      rule.regex = std::make_shared<re2::RE2>(pattern.substr(1), re2::RE2::Quiet);
      if (!rule.regex->ok()) {
        return bad(fmt::format("bad regular expression: {}", rule.regex->error()));
      }
    } else {
      rule.prefix = std::string(pattern);
    }
    plan.m_rules.push_back(std::move(rule));
  }
  return plan;
}

Result<FaultPlan> FaultPlan::from_environment()
{
  const char* value = std::getenv(std::string(k_faults_env).c_str());
  if (value == nullptr) {
    return FaultPlan{};
  }
  auto plan = parse(value);
  if (!plan) {
    return fail(fmt::format("{}: {}", k_faults_env, plan.error().message));
  }
  return plan;
}

FaultDecision FaultPlan::decide(std::string_view path) const
{
  FaultDecision decision;
  for (const Rule& rule : m_rules) {
    const bool matches = rule.regex ? re2::RE2::FullMatch(path, *rule.regex) : path.starts_with(rule.prefix);
    const bool terminal = rule.action != Rule::Action::delay;
    if (!matches || (terminal && (decision.status != 0 || decision.drop))) {
      continue;
    }
    if (rule.remaining && rule.remaining->fetch_sub(1) <= 0) {
      continue;
    }
    switch (rule.action) {
      case Rule::Action::delay:
        decision.delay_ms += rule.delay_ms;
        break;
      case Rule::Action::status:
        decision.status = rule.status;
        decision.rule = rule.text;
        break;
      case Rule::Action::drop:
        decision.drop = true;
        decision.rule = rule.text;
        break;
    }
  }
  return decision;
}

} // namespace cva::serve
