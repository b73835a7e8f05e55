#pragma once

#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace cva {

// Removes secrets from everything collection writes, before it is written. Every replaced value
// becomes the stable marker `<redacted:RULE>`, so a reader can tell that a value was there and
// which rule took it, and the same input always redacts the same way. The redactor counts
// replacements per rule (never the values) for the manifest's redaction report.
//
// Rules:
// - env-secret-name: the `value` of `{name, value}` pairs (container env, and the same shape
//   elsewhere) whose name looks secret: a segment PASSWORD, PASSWD, SECRET, TOKEN, KEY, KEYS,
//   CREDENTIAL(S), PSK, PRIVATE or APIKEY, or a connection URL/DSN name such as
//   CODER_PG_CONNECTION_URL; names ending in _FILE, _PATH or _DIR hold paths and are kept.
// - secret-key-name: string values of JSON members (ConfigMap data keys, annotations, any
//   object field) whose name looks secret, except the reference field `key`.
// - secret-data: any `data`/`stringData` value of a Secret object.
// - url-credentials: `user:password@` in URLs (postgres://, https://, ...).
// - bearer-token (`Bearer x`, `Authorization: Token|Basic x`), jwt, pem-private-key, aws-access-key, github-token, gitlab-token,
//   slack-token, coder-session-token, google-api-key: the token itself, in any string.
// - secret-assignment: the value in `password=...`, `token: ...`, `"client_secret":"..."` text.
// - user patterns (`--redact-pattern REGEX`): the whole match, or its first capture group when
//   it has one; reported as user-pattern-N.
// The `kubectl.kubernetes.io/last-applied-configuration` annotation is parsed and redacted as
// the object it holds.
class Redactor
{
public:
  // Builds a redactor with the built-in rules and `extra_patterns` (RE2 syntax). An invalid
  // pattern is an error naming it.
  static Result<Redactor> create(const std::vector<std::string>& extra_patterns = {});

  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  ~Redactor();

  // Redacts a JSON document in place (Kubernetes objects or lists, Coder API responses).
  void redact_json(Json& doc);

  // Redacts free text (logs, Prometheus text, HTML); returns the redacted copy.
  std::string redact_text(std::string_view text);

  // Replacements so far, per rule name.
  const std::map<std::string, int>& counts() const { return m_counts; }

  // The marker that replaces a value removed by `rule`.
  static std::string marker(std::string_view rule);

  // True when an environment variable or key name looks like it holds a secret.
  static bool is_secret_name(std::string_view name);

private:
  struct Rule;
  Redactor();
  void redact_value(Json& value, const std::string& rule);
  void walk(Json& node, bool in_secret_object);
  void redact_string(std::string& s);

  std::vector<std::unique_ptr<Rule>> m_rules;
  std::map<std::string, int> m_counts;
};

} // namespace cva
