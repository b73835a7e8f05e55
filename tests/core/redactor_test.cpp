#include <core/redact/redactor.hpp>

#include <doctest/doctest.h>

using namespace cva;

namespace {

Redactor make(const std::vector<std::string>& extra = {})
{
  auto r = Redactor::create(extra);
  REQUIRE(r.has_value());
  return std::move(*r);
}

} // namespace

TEST_SUITE("core/redactor")
{
  TEST_CASE("secret-looking env names")
  {
    for (const char* yes : {"CODER_PG_CONNECTION_URL", "CODER_OIDC_CLIENT_SECRET", "CODER_AGENT_TOKEN", "DB_PASSWORD",
                            "CODER_PROVISIONER_DAEMON_PSK", "AWS_SECRET_ACCESS_KEY", "apiKey", "client-secret",
                            "CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS", "DATABASE_URL", "GITHUB_TOKEN", "CREDENTIALS"}) {
      CAPTURE(std::string(yes));
      CHECK(Redactor::is_secret_name(yes));
    }
    for (const char* no : {"CODER_ACCESS_URL", "CODER_HTTP_ADDRESS", "CODER_TLS_KEY_FILE", "KUBE_POD_IP", "secretName",
                           "CODER_PROMETHEUS_ENABLE", "MONKEY_BUSINESS", "TOKENIZER_MODEL"}) {
      CAPTURE(std::string(no));
      CHECK_FALSE(Redactor::is_secret_name(no));
    }
  }

  TEST_CASE("env values, ConfigMap data, annotations and Secret data are replaced by a stable marker")
  {
    Redactor r = make();
    Json doc = Json::parse(R"({"kind":"List","items":[
      {"kind":"Pod","metadata":{"name":"p","annotations":{"api-token":"canary-ann-1","note":"postgres://u:canary-pw-2@db:5432/x"}},
       "spec":{"containers":[{"name":"c","env":[
         {"name":"CODER_PG_CONNECTION_URL","value":"postgres://coder:canary-pw-3@db.internal:5432/coder?sslmode=require"},
         {"name":"CODER_ACCESS_URL","value":"https://coder.example.com"},
         {"name":"CODER_AGENT_TOKEN","value":"canary-token-4"},
         {"name":"EMPTY_PASSWORD","value":""},
         {"name":"FROM_SECRET","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}]}},
      {"kind":"ConfigMap","metadata":{"name":"cm"},"data":{"client_secret":"canary-cm-5","config.yaml":"db:\n  password: canary-cm-6\n  host: x\n"}},
      {"kind":"Secret","metadata":{"name":"s"},"data":{"k":"Y2FuYXJ5LXNlY3JldC03"},"stringData":{"x":"canary-secret-8"}}]})");
    r.redact_json(doc);
    const std::string out = doc.dump();
    for (const char* canary : {"canary-ann-1", "canary-pw-2", "canary-pw-3", "canary-token-4", "canary-cm-5", "canary-cm-6",
                               "Y2FuYXJ5LXNlY3JldC03", "canary-secret-8"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    CHECK(out.find("https://coder.example.com") != std::string::npos);
    // A connection string keeps where it connects (the database checks read the host).
    CHECK(doc["items"][0]["spec"]["containers"][0]["env"][0]["value"] ==
          "postgres://<redacted:connection-string>@db.internal:5432/coder?sslmode=require");
    CHECK(doc["items"][0]["spec"]["containers"][0]["env"][3]["value"] == "");
    CHECK(doc["items"][1]["data"]["config.yaml"].get<std::string>().find("host: x") != std::string::npos);
    CHECK(r.counts().at("env-secret-name") == 1);
    CHECK(r.counts().at("connection-string") == 1);
    CHECK(r.counts().at("secret-data") == 2);
    // Redacting twice changes nothing and counts nothing more.
    const Json once = doc;
    const auto counts = r.counts();
    r.redact_json(doc);
    CHECK(doc == once);
    CHECK(r.counts() == counts);
  }

  TEST_CASE("tokens, keys and credentials in free text")
  {
    Redactor r = make();
    const std::string text =
      "connect postgres://admin:canary-a1@10.0.0.5:5432/coder\n"
      "Authorization: Bearer canaryb2canaryb2canaryb2\n"
      "jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5\n"
      "aws AKIAABCDEFGHIJKLMNOP and ghp_canaryc3canaryc3canaryc3canaryc3ab\n"
      "-----BEGIN RSA PRIVATE KEY-----\nMIIcanaryd4\n-----END RSA PRIVATE KEY-----\n"
      "password=canary-e5 token: canary-f6 \"client_secret\":\"canary-g7\"\n"
      "session AbCdEfGhIj-kLmNoPqRsTuVwXyZ012345 done\n"
      "normal line about token refresh and secretName: coder-tls\n";
    const std::string out = r.redact_text(text);
    for (const char* canary : {"canary-a1", "canaryb2", "eyJzdWIi", "AKIAABCDEFGHIJKLMNOP", "ghp_canaryc3", "canaryd4", "canary-e5",
                               "canary-f6", "canary-g7", "kLmNoPqRsTuVwXyZ012345"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    CHECK(out.find("postgres://<redacted:url-credentials>@10.0.0.5:5432/coder") != std::string::npos);
    CHECK(out.find("normal line about token refresh and secretName: coder-tls") != std::string::npos);
    CHECK(r.counts().at("pem-private-key") == 1);
  }

  TEST_CASE("secret-looking members of any JSON document; references stay")
  {
    Redactor r = make();
    Json doc = Json::parse(R"({"oidc":{"client_secret":"canary-k1","client_id":"coder"},"tls":{"secretName":"coder-tls"},
      "env":[{"name":"X","valueFrom":{"secretKeyRef":{"name":"coder-db-url","key":"url"}}}],
      "tolerations":[{"key":"dedicated","value":"coder"}],"password":"canary-k2"})");
    r.redact_json(doc);
    CHECK(doc.dump().find("canary-k") == std::string::npos);
    CHECK(doc["tls"]["secretName"] == "coder-tls");
    CHECK(doc["env"][0]["valueFrom"]["secretKeyRef"]["key"] == "url");
    CHECK(doc["tolerations"][0]["key"] == "dedicated");
    CHECK(doc["oidc"]["client_id"] == "coder");
  }

  TEST_CASE("last-applied-configuration is redacted as the object it holds")
  {
    Redactor r = make();
    Json obj = Json::parse(R"({"kind":"Deployment","metadata":{"annotations":{
      "kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"canary-h8\"}]}]}}}}"}}})");
    r.redact_json(obj);
    CHECK(obj.dump().find("canary-h8") == std::string::npos);
    CHECK(obj.dump().find("redacted:env-secret-name") != std::string::npos);
  }

  TEST_CASE("user patterns redact their first group, and bad patterns are refused")
  {
    Redactor r = make({"internal-id=([0-9]+)", "ACME-[A-Z]{4}"});
    CHECK(r.redact_text("internal-id=12345 and ACME-WXYZ") == "internal-id=<redacted:user-pattern-1> and <redacted:user-pattern-2>");
    auto bad = Redactor::create({"(unclosed"});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("(unclosed") != std::string::npos);
  }
}
