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
constexpr std::string_view k_secret_keys_annotation = "coder-cva.coder.com/keys";
// Hosts whose webhook URLs carry their credential in the path.
constexpr std::string_view k_webhook_hosts =
  R"((?i)hooks\.slack\.com|(?:[a-z0-9-]+\.)?discord(?:app)?\.com|[a-z0-9.-]+\.webhook\.office\.com|outlook\.office\.com)";

// A Go url.URL as encoding/json writes it.
bool is_url_object(const Json& node)
{
  return node.is_object() && json_at(node, "Scheme").is_string() && json_at(node, "Host").is_string();
}

// Kubernetes fields named like secrets that hold label or field keys: `key` (secretKeyRef.key,
// tolerations, selectors), affinity's `topologyKey`, topology spread's `matchLabelKeys`.
bool is_kubernetes_key_field(std::string_view name)
{
  return name == "key" || name == "topologyKey" || name == "matchLabelKeys" || name == "mismatchLabelKeys";
}

} // namespace

Redactor::Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;
Redactor::~Redactor() = default;

std::string Redactor::marker(std::string_view rule)
{
  return fmt::format("<redacted:{}>", rule);
}

namespace {

// `CODER_OIDC_CLIENT_SECRET`, `client-secret`, `apiKey`, `pgConnectionURL` split into upper-case
// segments on anything that is not a letter or digit and on camel-case breaks.
std::vector<std::string> name_segments(std::string_view name)
{
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
  return segments;
}

// References to secrets and paths to them are not secrets: `CODER_TLS_KEY_FILE`, `secretName`,
// `CODER_PG_CONNECTION_URL_FILE`.
bool is_reference_name(const std::vector<std::string>& segments)
{
  static const std::vector<std::string_view> k_reference_segments = {"FILE", "PATH", "DIR", "REF", "NAME", "NAMES", "FIELD"};
  return !segments.empty() &&
         std::find(k_reference_segments.begin(), k_reference_segments.end(), segments.back()) != k_reference_segments.end();
}

std::string joined(const std::vector<std::string>& segments)
{
  std::string out = "_";
  for (const std::string& s : segments) {
    out += s;
    out += '_';
  }
  return out;
}

} // namespace

bool Redactor::is_connection_name(std::string_view name)
{
  const std::vector<std::string> segments = name_segments(name);
  if (is_reference_name(segments)) {
    return false;
  }
  const std::string n = joined(segments);
  for (const char* whole : {"_CONNECTION_URL_", "_CONNECTION_STRING_", "_CONNECTION_URI_", "_DATABASE_URL_", "_DATABASE_URI_",
                            "_DB_URL_", "_POSTGRES_URL_", "_POSTGRESQL_URL_", "_PG_URL_", "_DSN_", "_CONN_STR_", "_CONNSTR_"}) {
    if (n.find(whole) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool Redactor::is_secret_name(std::string_view name)
{
  const std::vector<std::string> segments = name_segments(name);
  if (is_reference_name(segments)) {
    return false;
  }
  if (is_connection_name(name)) {
    return true;
  }
  static const std::vector<std::string_view> k_secret_segments = {
    "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY", "KEYS", "APIKEY",
    "CREDENTIAL", "CREDENTIALS", "CREDS", "PSK", "PRIVATE", "PASSPHRASE", "AUTHKEY", "WEBHOOK", "AUTHORIZATION"};
  // Words run together: `DBPASSWORD`, `htpasswd`, `clientsecret`, `APITOKEN` (not `TOKENIZER`).
  static const std::vector<std::string_view> k_secret_suffixes = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"};
  // CODER_SCIM_AUTH_HEADER holds the SCIM API key.
  if (joined(segments).find("_AUTH_HEADER_") != std::string::npos) {
    return true;
  }
  return std::any_of(segments.begin(), segments.end(), [](const std::string& seg) {
    return std::find(k_secret_segments.begin(), k_secret_segments.end(), seg) != k_secret_segments.end() ||
           std::any_of(k_secret_suffixes.begin(), k_secret_suffixes.end(), [&](std::string_view suffix) {
             return std::string_view(seg).ends_with(suffix);
           });
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
  constexpr std::string_view pem_end = "-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----";
  CVA_TRY(add("pem-private-key", fmt::format("-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?{}|.*)", pem_end), 0));
  // A log cut by --max-log-bytes may start inside a key: everything up to its END line.
  CVA_TRY(add("pem-private-key", fmt::format(R"(\A[A-Za-z0-9+/=\s\\]*{})", pem_end), 0));
  // Base64 of a PEM key (kubeconfig `client-key-data`): "-----BEGIN " then "PRIVATE KEY" at
  // any of the three base64 alignments.
  CVA_TRY(add("pem-private-key",
              R"(LS0tLS1CRUdJTi[A-Za-z0-9+/]{0,40}?(?:UFJJVkFURSBLRVk|BSSVZBVEUgS0VZ|QUklWQVRFIEtFWS)[A-Za-z0-9+/=]*)", 0));
  // Database URLs are written by hand with raw `/` and `?` in passwords; libpq and Go still read
  // them up to the last `@`. First: the general rule below would stop at a `/` and leave the rest.
  CVA_TRY(add("url-credentials",
              R"((?i)\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|rediss?|amqps?)://([^\s@<>"'\\]*:[^\s<>"'\\]*)@)", 1));
  // The password runs to the last `@` of the authority (Go's url.Parse does the same), and the
  // user may be empty (`postgres://:pw@db`).
  CVA_TRY(add("url-credentials", R"([A-Za-z][A-Za-z0-9+.-]*://([^/?#\s@<>"'\\]*:[^/?#\s<>"'\\]*)@)", 1));
  CVA_TRY(add("jwt", R"(eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,})", 0));
  CVA_TRY(add("bearer-token", R"((?i)(?:\bbearer|authorization:\s*(?:token|basic))(?:\s+|%20)([A-Za-z0-9\-._~+/]{8,}=*))", 1));
  CVA_TRY(add("aws-access-key", R"(\b((?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16})\b)", 1));
  CVA_TRY(add("aws-secret-key", R"((?i)aws.{0,20}?(?:secret|key).{0,20}?['"=:\s]([A-Za-z0-9/+]{40})\b)", 1));
  CVA_TRY(add("github-token", R"(\b((?:gh[pousr]_[A-Za-z0-9]{30,})|(?:github_pat_[A-Za-z0-9_]{40,}))\b)", 1));
  CVA_TRY(add("gitlab-token", R"(\b(glpat-[A-Za-z0-9_-]{20,}))", 1));
  CVA_TRY(add("slack-token", R"(\b(xox[abposr]-[A-Za-z0-9-]{10,}))", 1));
  CVA_TRY(add("google-api-key", R"(\b(AIza[0-9A-Za-z_-]{35})\b)", 1));
  // Other providers' tokens by their documented prefixes: Anthropic and OpenAI (`sk-ant-`, `sk-proj-`,
  // `sk-`), Stripe, npm, HashiCorp Vault, GitLab deploy and runner tokens, DigitalOcean, Slack apps.
  CVA_TRY(add("api-token",
              R"(\b((?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,})|(?:[sr]k_(?:live|test)_[A-Za-z0-9]{16,})|(?:npm_[A-Za-z0-9]{36})|)"
              R"((?:hv[sbr]\.[A-Za-z0-9_-]{24,})|(?:gl(?:dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,})|(?:do[opr]_v1_[a-f0-9]{64})|(?:xapp-[0-9A-Za-z-]{20,})))",
              1));
  CVA_TRY(add("coder-session-token", R"(\b([a-zA-Z0-9]{10}-[a-zA-Z0-9]{22})\b)", 1));
  // The path of a webhook URL is its credential; the host stays.
  CVA_TRY(add("webhook-url",
              R"((?i)https?://(?:hooks\.slack\.com/(?:services|workflows|triggers)|(?:[a-z0-9-]+\.)?discord(?:app)?\.com/api/webhooks|[a-z0-9.-]+\.webhook\.office\.com/webhookb2|outlook\.office\.com/webhook)/([^\s"'<>\\]+))",
              1));
  r.m_webhook_host = std::make_unique<RE2>(std::string(k_webhook_hosts));
  // `.dockerconfigjson`-style registry credentials, also inside JSON-escaped text.
  CVA_TRY(add("registry-auth", R"(\\?"auth\\?"\s*:\s*\\?"([A-Za-z0-9+/=]{4,}))", 1));
  // Env pairs written as text (YAML values or JSON in a ConfigMap, a log quoting a pod spec).
  constexpr std::string_view env_names =
    "[a-z0-9_.-]*(?:password|passwd|secret|token|key|keys|psk|credentials?|apikey|connection_url|database_url|dsn)";
  CVA_TRY(add("env-secret-name",
              fmt::format(R"((?i)\bname:[ \t]*["']?{}["']?[ \t]*\r?\n[ \t]*(?:-[ \t]+)?value:[ \t]*["']?([^\s"'<][^\n"']*))", env_names), 1));
  CVA_TRY(add("env-secret-name",
              fmt::format(R"((?i)\\?"name\\?"\s*:\s*\\?"{}\\?"\s*,\s*\\?"value\\?"\s*:\s*\\?"((?:[^"\\\n<]|\\[^"\n])(?:[^"\\\n]|\\[^"\n])*))",
                          env_names),
              1));
  constexpr std::string_view assignment_names =
    R"((?i)\b[a-z0-9_.-]*(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|)"
    R"((?:signing|encryption|license|ssh|auth|master|session|client|account|shared[_-]?access)[_-]?keys?|key[_-]?data|psk|)"
    R"(credentials?|sig|signature|shared[_-]?access[_-]?signature)\\?["']?\s*[:=]\s*)";
  // YAML block scalars (`token: |` then indented lines): every indented line after it goes (a
  // sibling key indented alike goes too: better than a secret left behind).
  CVA_TRY(add("secret-assignment", fmt::format(R"({}[|>][-+0-9]*[ \t]*\r?\n([ \t]+[^\n]*(?:\n[ \t]+[^\n]*)*))", assignment_names), 1));
  // Quoted values first, so a value with spaces goes whole (`"password": "correct horse"`).
  CVA_TRY(add("secret-assignment", fmt::format(R"({}\\?"((?:[^"\\\n<]|\\[^"\n])(?:[^"\\\n]|\\[^"\n])*))", assignment_names), 1));
  CVA_TRY(add("secret-assignment", fmt::format(R"({}'([^'\n<][^'\n]*)')", assignment_names), 1));
  // Unquoted: up to a space or separator; `a,b` lists (encryption keys) go whole.
  CVA_TRY(add("secret-assignment", fmt::format(R"({}([^\s\x00"'\\,;&<>}}{{]+(?:,[^\s\x00"'\\,;&<>}}{{]+)*))", assignment_names), 1));
  // .netrc: `machine github.com login x password y`.
  CVA_TRY(add("secret-assignment", R"((?i)\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+([^\s<]\S*))", 1));
  // `--oidc-client-secret VALUE` in a shell command line or a NUL-separated /proc cmdline (pprof's
  // cmdline.txt in a support bundle); the `=` form is an assignment.
  CVA_TRY(add("secret-flag",
              R"((?i)--[a-z0-9-]*(?:password|secret|token|psk|keys?|credentials?|postgres-url|pg-url|database-url|connection-url|dsn)[\s\x00]+((?:-[^\s\x00"'\\<-]|[^\s\x00"'\\<-])[^\s\x00"'\\]*))",
              1));
  for (std::size_t i = 0; i < extra_patterns.size(); ++i) {
    const std::string& pattern = extra_patterns[i];
    if (pattern.find_first_of("\r\n") != std::string::npos) {
      return fail("invalid redaction pattern: it spans more than one line");
    }
    CVA_TRY(add(fmt::format("user-pattern-{}", i + 1), pattern, 1));
    // A pattern that matches nothing at all would put a marker between every two characters.
    if (RE2::FullMatch("", *r.m_rules.back()->re)) {
      return fail(fmt::format("invalid redaction pattern '{}': it matches the empty string", pattern));
    }
  }
  return r;
}

void Redactor::add_literal(std::string_view rule, std::string_view value)
{
  if (value.empty()) {
    return;
  }
  RE2::Options options;
  options.set_log_errors(false);
  // First, so no other rule takes part of it and leaves the rest.
  m_rules.insert(m_rules.begin(), std::make_unique<Rule>(Rule{std::string(rule),
                                                              std::make_unique<RE2>(RE2::QuoteMeta(value), options), 0}));
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
      if (secret.empty() || std::string_view(secret.data(), secret.size()).starts_with("<redacted:")) {
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

std::string Redactor::redact_connection(std::string_view value)
{
  const std::string rule = "connection-string";
  const auto hide = [&](std::string_view v) -> std::string {
    if (v.empty() || v.starts_with("<redacted:")) {
      return std::string(v);
    }
    ++m_counts[rule];
    return marker(rule);
  };
  // Settings that say where and how to connect, never who or with what: kept, so the checks can
  // tell which database coderd reaches.
  static const std::vector<std::string_view> k_kept = {"HOST", "HOSTADDR", "PORT", "DBNAME", "DATABASE", "USER", "SSLMODE",
                                                       "CONNECT_TIMEOUT", "APPLICATION_NAME", "TARGET_SESSION_ATTRS",
                                                       "SEARCH_PATH"};
  // A kept value must look like a host, port, name or mode: anything else (`db;password=x`)
  // is not what it claims to be.
  static const RE2 k_plain(R"([A-Za-z0-9._:/\[\],%-]*)");
  const auto kept = [&](std::string_view key, std::string_view v) {
    return std::find(k_kept.begin(), k_kept.end(), upper(key)) != k_kept.end() && RE2::FullMatch(v, k_plain);
  };
  static const RE2 k_url(R"(([A-Za-z][A-Za-z0-9+.:-]*://)(.*))");
  static const RE2 k_rest(R"(([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?)");
  std::string scheme, rest, authority, path, query, fragment;
  if (RE2::FullMatch(value, k_url, &scheme, &rest)) {
    std::string out = scheme;
    // The userinfo runs to the last `@`: a password with a raw `/`, `?` or `@` must not leave a
    // piece of itself in the host or path.
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
      const std::string_view userinfo = std::string_view(rest).substr(0, at);
      out += userinfo.find_first_of(":/?#") == std::string_view::npos ? std::string(userinfo) : hide(userinfo);
      out += '@';
      rest.erase(0, at + 1);
    }
    RE2::FullMatch(rest, k_rest, &authority, &path, &query, &fragment);
    out += RE2::FullMatch(authority, k_plain) ? authority : hide(authority);
    out += RE2::FullMatch(path, k_plain) ? path : hide(path);
    if (!query.empty()) {
      out += '?';
      std::size_t pos = 0;
      while (pos <= query.size()) {
        const std::size_t end = std::min(query.find('&', pos), query.size());
        const std::string_view pair = std::string_view(query).substr(pos, end - pos);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) {
          out += hide(pair);
        } else {
          out += pair.substr(0, eq + 1);
          out += kept(pair.substr(0, eq), pair.substr(eq + 1)) ? std::string(pair.substr(eq + 1)) : hide(pair.substr(eq + 1));
        }
        if (end < query.size()) {
          out += '&';
        }
        pos = end + 1;
      }
    }
    if (!fragment.empty()) {
      out += '#' + hide(fragment);
    }
    return out;
  }
  // libpq keyword/value form: `host=db user=coder password='a b' dbname=coder`.
  static const RE2 k_pair(R"(\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'";,&=]*)\s*)");
  re2::StringPiece input(value);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string key, val;
  while (!input.empty() && RE2::Consume(&input, k_pair, &key, &val)) {
    pairs.emplace_back(key, val);
  }
  if (input.empty() && !pairs.empty()) {
    std::string out;
    for (const auto& [k, v] : pairs) {
      out += (out.empty() ? "" : " ") + k + "=" + (kept(k, v) ? v : hide(v));
    }
    return out;
  }
  // Neither form (an Azure `AccountKey=...;` string, a value we cannot read): all of it goes.
  return hide(value);
}

void Redactor::redact_named(Json& value, std::string_view name, const std::string& rule)
{
  if (value.is_string() && is_connection_name(name)) {
    std::string& s = value.get_ref<std::string&>();
    s = redact_connection(s);
    redact_string(s);
  } else if (value.is_array()) {
    for (Json& item : value) {
      if (item.is_string() || item.is_array()) {
        redact_named(item, name, rule);
      } else {
        walk(item, false);
      }
    }
  } else if (value.is_boolean() || (value.is_string() && (value == "true" || value == "false"))) {
    return; // a flag about a secret (`"secret": "true"`), not one
  } else if (value.is_object()) {
    // A Go url.URL ({Scheme, Host, Path, RawQuery, ...}) under a secret name, such as Coder's
    // notifications webhook endpoint: only where it points stays.
    if (is_url_object(value)) {
      for (const char* part : {"Opaque", "Path", "RawPath", "RawQuery", "Fragment", "RawFragment"}) {
        if (value.contains(part)) {
          redact_value(value[part], rule);
        }
      }
    }
    walk(value, false);
  } else {
    redact_value(value, rule);
  }
}

void Redactor::redact_flags(Json& array)
{
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      continue;
    }
    const std::string arg = array[i].get<std::string>();
    if (!arg.starts_with('-') || arg.starts_with("<redacted:")) {
      continue;
    }
    const std::string_view flag = std::string_view(arg).substr(arg.find_first_not_of('-') == std::string::npos ? arg.size() : arg.find_first_not_of('-'));
    if (const auto eq = flag.find('='); eq != std::string_view::npos) {
      const std::string_view name = flag.substr(0, eq);
      if (is_secret_name(name)) {
        Json value = std::string(flag.substr(eq + 1));
        redact_named(value, name, "secret-flag");
        array[i] = arg.substr(0, arg.size() - flag.size() + eq + 1) + value.get<std::string>();
      }
    } else if (i + 1 < array.size() && array[i + 1].is_string() && !array[i + 1].get_ref<const std::string&>().starts_with("--") &&
               is_secret_name(flag)) {
      redact_named(array[i + 1], flag, "secret-flag");
      ++i;
    }
  }
}

void Redactor::walk(Json& node, bool in_secret_object)
{
  if (node.is_string()) {
    redact_string(node.get_ref<std::string&>());
    return;
  }
  if (node.is_array()) {
    // Command lines: `["--oidc-client-secret", "x"]`, `--postgres-url=...`.
    redact_flags(node);
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
  if (is_url_object(node) && RE2::FullMatch(json_string(node, "Host"), *m_webhook_host)) {
    for (const char* part : {"Path", "RawPath"}) {
      if (node.contains(part)) {
        redact_value(node[part], "webhook-url");
      }
    }
  }
  // {name, value} pairs: container env and anything shaped like it, such as the options of
  // Coder's deployment config ({name, env, flag, yaml, value, annotations: {secret: "true"}}),
  // whose `value` a server that does not blank secrets would send as it is.
  if (node.contains("value")) {
    bool named = false;
    std::string name;
    for (const char* field : {"name", "env", "flag", "yaml"}) {
      if (const Json& n = json_at(node, field); n.is_string() && is_secret_name(n.get_ref<const std::string&>())) {
        named = true;
        name = n.get<std::string>();
        if (is_connection_name(name)) {
          break;
        }
      }
    }
    const bool flagged = json_string(json_at(node, "annotations"), "secret") == "true";
    if (named) {
      redact_named(node["value"], name, "env-secret-name");
    } else if (flagged) {
      redact_value(node["value"], "secret-option");
    }
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
            walk(*inner, secret);
            v = inner->dump();
            continue;
          }
          if (secret) {
            redact_value(v, "secret-data"); // a Secret we cannot read is all secret
            continue;
          }
        }
        // Our own annotation listing a Secret's key names (core/collect/lists.cpp) is evidence.
        if (is_secret_name(k) && !(key == "annotations" && k == k_secret_keys_annotation)) {
          redact_named(v, k, "secret-key-name");
        } else {
          walk(v, false);
        }
      }
      continue;
    }
    // Any other member whose name says it holds a secret: `client_secret`, `password`, `token`,
    // `external_token_encryption_keys` (a list).
    if ((child.is_string() || child.is_array()) && !is_kubernetes_key_field(key) && is_secret_name(key)) {
      redact_named(child, key, "secret-key-name");
      continue;
    }
    // A Secret's metadata carries its last-applied-configuration, which holds its data.
    walk(child, secret && key == "metadata");
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
