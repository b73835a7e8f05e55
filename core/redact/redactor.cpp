#include "redactor.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace cva {

struct Redactor::Rule
{
  std::string name;
  std::unique_ptr<RE2> re;
  // Which capture group holds the secret (0: the whole match).
  int group = 0;
};

namespace {

std::string upper(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

constexpr std::string_view k_last_applied = "kubectl.kubernetes.io/last-applied-configuration";

} // namespace

Redactor::Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;
Redactor::~Redactor() = default;

std::string Redactor::marker(std::string_view rule)
{
  return fmt::format("<redacted:{}>", rule);
}

bool Redactor::is_secret_name(std::string_view name)
{
  const std::string n = upper(name);
  for (const char* whole : {"CONNECTION_URL", "CONNECTION_STRING", "DATABASE_URL", "DSN", "PG_CONNECTION_URL"}) {
    if (n.find(whole) != std::string::npos) {
      return true;
    }
  }
  // Split on anything that is not a letter or digit: `CODER_OIDC_CLIENT_SECRET`, `client-secret`,
  // `apiKey` (camel case splits too).
  std::vector<std::string> segments;
  std::string current;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    const bool camel_break = i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
                             std::islower(static_cast<unsigned char>(name[i - 1]));
    if (!alnum || camel_break) {
      if (!current.empty()) {
        segments.push_back(upper(current));
      }
      current.clear();
      if (!alnum) {
        continue;
      }
    }
    current += c;
  }
  if (!current.empty()) {
    segments.push_back(upper(current));
  }
  // References to secrets and paths to them are not secrets: `CODER_TLS_KEY_FILE`, `secretName`.
  static const std::vector<std::string_view> k_reference_segments = {"FILE", "PATH", "DIR", "REF", "NAME", "NAMES", "FIELD"};
  if (!segments.empty() && std::find(k_reference_segments.begin(), k_reference_segments.end(), segments.back()) !=
                             k_reference_segments.end()) {
    return false;
  }
  static const std::vector<std::string_view> k_secret_segments = {
    "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY", "KEYS", "APIKEY",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "PSK", "PRIVATE", "PASSPHRASE", "AUTHKEY"};
  return std::any_of(segments.begin(), segments.end(), [](const std::string& seg) {
    return std::find(k_secret_segments.begin(), k_secret_segments.end(), seg) != k_secret_segments.end();
  });
}

Result<Redactor> Redactor::create(const std::vector<std::string>& extra_patterns)
{
  Redactor r;
  const auto add = [&](std::string name, const std::string& pattern, int group) -> Result<void> {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) {
      return fail(fmt::format("invalid redaction pattern '{}': {}", pattern, re->error()));
    }
    if (group > re->NumberOfCapturingGroups()) {
      group = 0;
    }
    r.m_rules.push_back(std::make_unique<Rule>(Rule{std::move(name), std::move(re), group}));
    return {};
  };
  // Order matters: specific token shapes first, so their rule names are the ones reported.
  CVA_TRY(add("pem-private-key", R"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----)", 0));
  CVA_TRY(add("url-credentials", R"([A-Za-z][A-Za-z0-9+.-]*://([^/\s:@<>"']+:[^/\s@<>"']*)@)", 1));
  CVA_TRY(add("jwt", R"(eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,})", 0));
  CVA_TRY(add("bearer-token", R"((?i)(?:\bbearer|authorization:\s*(?:token|basic))\s+([A-Za-z0-9\-._~+/]{8,}=*))", 1));
  CVA_TRY(add("aws-access-key", R"(\b((?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16})\b)", 1));
  CVA_TRY(add("aws-secret-key", R"((?i)aws.{0,20}?(?:secret|key).{0,20}?['"=:\s]([A-Za-z0-9/+]{40})\b)", 1));
  CVA_TRY(add("github-token", R"(\b((?:gh[pousr]_[A-Za-z0-9]{30,})|(?:github_pat_[A-Za-z0-9_]{40,}))\b)", 1));
  CVA_TRY(add("gitlab-token", R"(\b(glpat-[A-Za-z0-9_-]{20,}))", 1));
  CVA_TRY(add("slack-token", R"(\b(xox[abposr]-[A-Za-z0-9-]{10,}))", 1));
  CVA_TRY(add("google-api-key", R"(\b(AIza[0-9A-Za-z_-]{35})\b)", 1));
  CVA_TRY(add("coder-session-token", R"(\b([a-zA-Z0-9]{10}-[a-zA-Z0-9]{22})\b)", 1));
  CVA_TRY(add("secret-assignment",
              R"((?i)["']?\b(?:[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|psk))["']?\s*[:=]\s*["']?([^\s"',;&<>}{]{3,}))",
              1));
  for (std::size_t i = 0; i < extra_patterns.size(); ++i) {
    CVA_TRY(add(fmt::format("user-pattern-{}", i + 1), extra_patterns[i], 1));
  }
  return r;
}

void Redactor::redact_value(Json& value, const std::string& rule)
{
  if (value.is_string() && value.get_ref<const std::string&>().empty()) {
    return; // nothing was there
  }
  if (value.is_null()) {
    return;
  }
  if (value.is_string() && value.get_ref<const std::string&>().starts_with("<redacted:")) {
    return;
  }
  value = marker(rule);
  ++m_counts[rule];
}

void Redactor::redact_string(std::string& s)
{
  if (s.empty()) {
    return;
  }
  for (const auto& rule : m_rules) {
    // A cheap pre-check keeps the common no-match case fast.
    if (!RE2::PartialMatch(s, *rule->re)) {
      continue;
    }
    std::string out;
    out.reserve(s.size());
    re2::StringPiece input(s);
    re2::StringPiece groups[10];
    const int ngroups = std::min(rule->re->NumberOfCapturingGroups() + 1, 10);
    std::size_t pos = 0;
    const std::string replacement = marker(rule->name);
    while (pos <= s.size() &&
           rule->re->Match(input, pos, s.size(), RE2::UNANCHORED, groups, ngroups)) {
      const re2::StringPiece whole = groups[0];
      const re2::StringPiece secret = groups[rule->group].data() != nullptr ? groups[rule->group] : whole;
      const auto start = static_cast<std::size_t>(secret.data() - s.data());
      const auto end = start + secret.size();
      const auto whole_end = static_cast<std::size_t>(whole.data() - s.data()) + whole.size();
      out.append(s, pos, start - pos);
      if (std::string_view(secret.data(), secret.size()).starts_with("<redacted:")) {
        out.append(secret.data(), secret.size());
      } else {
        out += replacement;
        ++m_counts[rule->name];
      }
      out.append(s, end, whole_end - end);
      if (whole_end == pos && whole.empty()) {
        if (pos < s.size()) {
          out += s[pos];
        }
        ++pos;
        continue;
      }
      pos = whole_end;
    }
    if (pos < s.size()) {
      out.append(s, pos, std::string::npos);
    }
    s = std::move(out);
  }
}

void Redactor::walk(Json& node, bool in_secret_object)
{
  if (node.is_string()) {
    redact_string(node.get_ref<std::string&>());
    return;
  }
  if (node.is_array()) {
    for (Json& child : node) {
      walk(child, false);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  const std::string kind = json_string(node, "kind");
  const bool secret = kind == "Secret" || in_secret_object;
  // {name, value} pairs: container env and anything shaped like it.
  if (node.contains("name") && node.contains("value") && node["name"].is_string() &&
      is_secret_name(node["name"].get_ref<const std::string&>())) {
    redact_value(node["value"], "env-secret-name");
  }
  for (auto& [key, child] : node.items()) {
    if (secret && (key == "data" || key == "stringData") && child.is_object()) {
      for (auto& [k, v] : child.items()) {
        (void)k;
        redact_value(v, "secret-data");
      }
      continue;
    }
    if ((key == "data" || key == "binaryData" || key == "annotations") && child.is_object()) {
      for (auto& [k, v] : child.items()) {
        if (key == "annotations" && k == k_last_applied && v.is_string()) {
          if (auto inner = parse_json(v.get_ref<const std::string&>(), k); inner) {
            walk(*inner, false);
            v = inner->dump();
            continue;
          }
        }
        if (is_secret_name(k) && v.is_string()) {
          redact_value(v, "secret-key-name");
        } else {
          walk(v, false);
        }
      }
      continue;
    }
    // Any other member whose name says it holds a secret: `client_secret`, `password`, `token`.
    // `key` itself is always a reference in Kubernetes (secretKeyRef.key, tolerations, selectors).
    if (child.is_string() && key != "key" && is_secret_name(key)) {
      redact_value(child, "secret-key-name");
      continue;
    }
    walk(child, false);
  }
}

void Redactor::redact_json(Json& doc)
{
  walk(doc, false);
}

std::string Redactor::redact_text(std::string_view text)
{
  std::string s(text);
  redact_string(s);
  return s;
}

} // namespace cva
