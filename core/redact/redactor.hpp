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
// - env-secret-name: the `value` of `{name, value}` pairs (container env, Coder's deployment
//   config options `{name, env, flag, yaml, value}`, workspace parameters) whose name looks
//   secret: a segment PASSWORD, PASSWD, PASS, PWD, SECRET(S), TOKEN(S), KEY(S), APIKEY,
//   CREDENTIAL(S), CREDS, PSK, PRIVATE, PASSPHRASE, AUTHKEY or WEBHOOK, or a connection string
//   name (see is_connection_name); names ending in _FILE, _PATH, _DIR, _REF, _NAME or _FIELD hold
//   references and are kept. The same pairs written as YAML or JSON text are found too.
// - secret-option: the `value` of a deployment config option annotated `secret: "true"`.
// - connection-string: inside a connection string (CODER_PG_CONNECTION_URL and the like, as env,
//   flag, option or member), the credentials and every setting except where it connects, so the
//   database checks still see the host (see redact_connection).
// - secret-key-name: string values (and lists of them) of JSON members (ConfigMap data keys,
//   annotations, any object field) whose name looks secret, except the reference field `key`
//   and "true"/"false" flags.
// - secret-flag: the value of a secret-named command-line flag, `--x-secret v` or
//   `--x-secret=v`, in container args/command and in text.
// - secret-data: any `data`/`stringData` value of a Secret object (and a Secret's
//   last-applied-configuration that cannot be read).
// - url-credentials: `user:password@` in URLs (postgres://, https://, ...), the user may be empty
//   and the password may hold `@`.
// - pem-private-key: PEM private keys, raw, JSON-escaped, base64-encoded (kubeconfig
//   `client-key-data`), and cut off by a log's start or end.
// - bearer-token (`Bearer x`, `Authorization: Token|Basic x`), jwt, aws-access-key,
//   aws-secret-key, github-token, gitlab-token, slack-token, coder-session-token,
//   google-api-key, api-token (Anthropic/OpenAI `sk-`, Stripe, npm, Vault, GitLab deploy and
//   runner tokens, DigitalOcean, Slack apps): the token itself, in any string.
// - webhook-url: the path of Slack, Discord and Teams webhook URLs (the host stays), also as a
//   Go url.URL object ({Scheme, Host, Path}); such an object under a secret name (Coder's
//   notifications webhook endpoint) loses its path and query.
// - registry-auth: `"auth": "..."` of Docker registry credentials.
// - secret-assignment: the value in `password=...`, `token: ...`, `"client_secret":"..."`,
//   `AccountKey=...;`, `sig=...` text, quoted values whole, also in JSON-escaped text.
// - coder-token: the session token collect was given, wherever it appears.
// - user patterns (`--redact-pattern REGEX`): the whole match, or its first capture group when
//   it has one; reported as user-pattern-N.
// The `kubectl.kubernetes.io/last-applied-configuration` annotation is parsed and redacted as
// the object it holds.
class Redactor
{
public:
  // Builds a redactor with the built-in rules and `extra_patterns` (RE2 syntax). An invalid
  // pattern, one that matches the empty string or one spanning lines is an error naming it.
  static Result<Redactor> create(const std::vector<std::string>& extra_patterns = {});

  // Adds a rule replacing every occurrence of `value` (a credential the user gave, such as the
  // Coder session token collect uses), reported as `rule`. Empty values are ignored.
  void add_literal(std::string_view rule, std::string_view value);

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

  // True when an environment variable, flag or key name looks like it holds a secret.
  static bool is_secret_name(std::string_view name);

  // True when a name is that of a database connection string (CODER_PG_CONNECTION_URL,
  // `--postgres-url`, DATABASE_URL, `pgConnectionURL`, ..._DSN); such names are secret too.
  static bool is_connection_name(std::string_view name);

  // Redacts a connection string, keeping where it connects: a URL keeps its scheme, host, port,
  // path and the query values of host, port, dbname, user, sslmode and the like, and loses
  // `user:password@` and every other query value; the libpq `key=value` form keeps the same keys.
  // Anything else is replaced whole. Replacements are counted as connection-string.
  std::string redact_connection(std::string_view value);

private:
  struct Rule;
  Redactor();
  void redact_value(Json& value, const std::string& rule);
  void walk(Json& node, bool in_secret_object);
  // Redacts the value of a secret-named member, pair or flag: connection strings keep their
  // host, lists lose each element, "true"/"false" flags stay.
  void redact_named(Json& value, std::string_view name, const std::string& rule);
  // In a command line, the value of a secret-named flag (`--x-secret v`, `--x-secret=v`).
  void redact_flags(Json& array);
  void redact_string(std::string& s);

  std::vector<std::unique_ptr<Rule>> m_rules;
  std::unique_ptr<re2::RE2> m_webhook_host;
  std::map<std::string, int> m_counts;
};

} // namespace cva
