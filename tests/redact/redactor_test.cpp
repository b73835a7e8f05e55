// The redactor: its rules on small documents, then secret shapes a Coder operator's cluster really
// holds, each planted with a canary the redacted output must not contain, and the evidence next to
// it that must survive.
#include <core/collect/context.hpp>
#include <core/redact/redactor.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>

using namespace cva;

namespace {

Redactor make(const std::vector<std::string>& extra = {})
{
  auto r = Redactor::create(extra);
  REQUIRE(r.has_value());
  return std::move(*r);
}

// Redacting what was redacted changes nothing and counts nothing more.
void check_stable(Redactor& r, const Json& redacted)
{
  Json again = redacted;
  const auto counts = r.counts();
  r.redact_json(again);
  CHECK(again == redacted);
  CHECK(r.counts() == counts);
}

// pprof's cmdline.txt in a Coder support bundle: the arguments separated by NUL.
constexpr char k_cmdline[] = "/opt/coder\0server\0--oidc-client-secret\0nulSecret\0--access-url\0https://coder.example.com";

struct Shape
{
  std::string_view text;
  const char* secret; // must be gone
  const char* kept;   // must stay ("" for nothing to check)
};

} // namespace

TEST_SUITE("redact/rules")
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
    check_stable(r, doc);
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

TEST_SUITE("redact/shapes")
{
  TEST_CASE("secrets in free text (logs, metrics, support bundle files) are gone, their context stays")
  {
    const Shape shapes[] = {
      {"dial postgres://coder:p%40ssW0rd@db:5432/coder?sslmode=require", "p%40ssW0rd", "@db:5432/coder?sslmode=require"},
      {"postgresql://coder:hunter2x@db.example.com/coder", "hunter2x", "@db.example.com/coder"},
      {"postgres://:emptyUserPw@db/coder", "emptyUserPw", "@db/coder"},
      {"postgres://coder:p@ssw0rdAt@db:5432/coder", "ssw0rdAt", "@db:5432/coder"},
      {"postgres://coder:pa/ssSlash?q@db:5432/coder", "ssSlash", "@db:5432/coder"},
      {"postgres://u:p@ss/wordBoth@db:5432/coder", "wordBoth", "@db:5432/coder"},
      {"auth:\n  token: |\n    blockScalarToken1\n    secondLine2\nnext: kept", "blockScalarToken1", "next: kept"},
      {"password: >-\n    foldedPw3\nnext: kept", "foldedPw3", "next: kept"},
      {"coder server --oidc-client-secret -dashFirst4 --access-url https://coder.example.com", "dashFirst4",
       "--access-url https://coder.example.com"},
      {"host=db user=coder password=hunter2dsn dbname=coder", "hunter2dsn", "dbname=coder"},
      {"host=db user=coder password='hunter two' dbname=coder", "two", "dbname=coder"},
      {"--postgres-url=postgres://coder:flagPw1@db/coder", "flagPw1", "@db/coder"},
      {"--oidc-client-secret=oidcFlag2", "oidcFlag2", "--oidc-client-secret="},
      {"exec coder server --oidc-client-secret oidcFlag3 --access-url https://coder.example.com", "oidcFlag3",
       "--access-url https://coder.example.com"},
      {"CODER_EXTERNAL_AUTH_0_CLIENT_SECRET=extAuth4", "extAuth4", ""},
      {"CODER_PROVISIONER_DAEMON_PSK=daemonPsk5 CODER_PROVISIONER_PSK=daemonPsk6", "daemonPsk", ""},
      {"CODER_AGENT_TOKEN=3f2a9c1e-7b4d-4e8a-9c3f-1a2b3c4d5e6f", "3f2a9c1e", ""},
      {"Coder-Session-Token: AbCdEf1234-0123456789abcdefABCDEF", "0123456789abcdefABCDEF", "Coder-Session-Token: "},
      {"CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS=a2V5MQ==,a2V5Mg==", "a2V5M", ""},
      {"ghp_0123456789abcdefghijABCDEFGHIJ012345 gho_0123456789abcdefghijABCDEFGHIJ012345", "0123456789abcdefghij", ""},
      {"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "abcdefghijklmnop", ""},
      {"remote https://oauth2:glpat-abcdefghij0123456789@gitlab.example.com/x.git", "glpat-abcdefghij", "gitlab.example.com/x.git"},
      {"AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "EXAMPLE", ""},
      {R"({"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQgcpKey\n-----END PRIVATE KEY-----\n", "client_email": "sa@p.iam.gserviceaccount.com"})",
       "MIIEvQgcpKey", "sa@p.iam.gserviceaccount.com"},
      {"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=YXp1cmVrZXk=;EndpointSuffix=core.windows.net", "YXp1cmVrZXk",
       "EndpointSuffix=core.windows.net"},
      {"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=c2Jrzxk=", "c2Jrzxk", "ns.servicebus"},
      {"https://acct.blob.core.windows.net/c?sv=2021-06-08&sig=AbCdSaS%2BsIg%3D&se=2026", "AbCdSaS", "acct.blob.core.windows.net"},
      {"https://hooks.slack.com/services/T0000/B0000/slackHookSecret", "slackHookSecret", "hooks.slack.com"},
      {"https://discord.com/api/webhooks/123456789/discordHookSecret", "discordHookSecret", "discord.com"},
      {"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp", ""},
      {"Authorization: Bearer bearerTok.en-value", "bearerTok", "Authorization: Bearer "},
      {"authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy", ""},
      {"Authorization:[Bearer xyzxyzxyzxyz]", "xyzxyzxyzxyz", ""},
      {"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "eyJzdWIiOiJ4In0", ""},
      {"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEA", ""},
      {"log cut by the byte cap\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowTruncatedEnd", "MIIEowTruncatedEnd", "log cut by the byte cap"},
      {"MIIEowTruncatedStart\nAbCdEf==\n-----END RSA PRIVATE KEY-----\nnext line", "TruncatedStart", "next line"},
      {"    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB", "LS0tLS1CRUdJTiBSU0Eg",
       "client-key-data: "},
      {"tls.key: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUFCQ0RFRg==", "LS0tLS1CRUdJTiBFQy", "tls.key"},
      {"    token: kubeToken14abc", "kubeToken14abc", "token: "},
      {R"({"auths":{"ghcr.io":{"auth":"dXNlcjpnaHBfc2VjcmV0","email":"x@y"}}})", "dXNlcjpnaHBfc2VjcmV0", "ghcr.io"},
      {R"({\"auths\":{\"ghcr.io\":{\"auth\":\"ZXNjYXBlZA==\"}}})", "ZXNjYXBlZA", "ghcr.io"},
      {"https://example.com/cb?user=x&password=queryPw&token=queryTok", "query", "https://example.com/cb?user=x"},
      {R"({"level":"info","msg":"login","token":"jsonTok","session_token":"jsonSess","api_key":"jsonKey"})", "json", R"("msg":"login")"},
      {R"({"msg":"req","body":"{\"password\":\"escaped pw\",\"user\":\"u\"}"})", "escaped pw", R"(\"user\":\"u\")"},
      {R"("client_secret": "correct horse battery staple")", "horse", ""},
      {"level=info msg=connect password=kvPw user=coder", "kvPw", "user=coder"},
      {"&{Password:goStructPw User:coder}", "goStructPw", "User:coder"},
      {"- name: CODER_OIDC_CLIENT_SECRET\n  value: yamlPairSecret\n- name: CODER_ACCESS_URL\n  value: https://coder.example.com",
       "yamlPairSecret", "value: https://coder.example.com"},
      {R"({\"env\":[{\"name\":\"CODER_OIDC_CLIENT_SECRET\",\"value\":\"json pair secret\"}]})", "json pair secret", ""},
      {"coderd_build_info{version=\"v2\",token=\"metricTok\"} 1", "metricTok", "coderd_build_info{version=\"v2\""},
      {"Cookie: coder_session_token=cookieTok; Path=/", "cookieTok", "Path=/"},
      {"machine github.com login coder password netrcPw", "netrcPw", "machine github.com login coder"},
      {"claude --key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd and sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
       "AbCdEfGhIjKlMnOp", "claude"},
      {"vault hvs.CAESIAbCdEfGhIjKlMnOpQrStUvWxYz and npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "AbCdEfGhIjKlMnOp", "vault"},
      {std::string_view(k_cmdline, sizeof(k_cmdline) - 1), "nulSecret", "https://coder.example.com"},
    };
    for (const Shape& shape : shapes) {
      Redactor r = make();
      const std::string out = r.redact_text(shape.text);
      CAPTURE(std::string(shape.text));
      CAPTURE(out);
      CHECK(out.find(shape.secret) == std::string::npos);
      CHECK(out.find("<redacted:") != std::string::npos);
      CHECK(out.find(shape.kept) != std::string::npos);
      // Redacting again changes nothing and counts nothing.
      const auto counts = r.counts();
      CHECK(r.redact_text(out) == out);
      CHECK(r.counts() == counts);
    }
  }

  TEST_CASE("text without secrets is left alone")
  {
    Redactor r = make();
    for (const char* text : {"image: ghcr.io/coder/coder:v2.18.5", "CODER_ACCESS_URL=https://coder.example.com",
                             "MY_API_KEY_FILE=/etc/secret/key", "\"CODER_TLS_KEY_FILE\":\"/etc/tls/key\"", "secretName: coder-tls",
                             "secretKeyRef: {name: pg, key: url}", "token refresh scheduled", "http://coder.coder.svc:8080/api/v2",
                             "client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", "pod coder-7c9d8f6b4-x2x9k ready"}) {
      CAPTURE(std::string(text));
      CHECK(r.redact_text(text) == text);
    }
    CHECK(r.counts().empty());
  }

  TEST_CASE("connection strings keep where they connect and lose everything else")
  {
    Redactor r = make();
    const std::pair<const char*, const char*> cases[] = {
      {"postgres://coder:p%40ss@db:5432/coder?sslmode=require", "postgres://<redacted:connection-string>@db:5432/coder?sslmode=require"},
      {"postgresql://coder@db.internal/coder?sslmode=verify-full&password=x",
       "postgresql://coder@db.internal/coder?sslmode=verify-full&password=<redacted:connection-string>"},
      {"postgres://:pw@db/coder", "postgres://<redacted:connection-string>@db/coder"},
      {"postgres://coder:pa/s?s#@db:5432/coder", "postgres://<redacted:connection-string>@db:5432/coder"},
      {"host=db port=5432 user=coder password='a b\\' c' dbname=coder sslmode=require",
       "host=db port=5432 user=coder password=<redacted:connection-string> dbname=coder sslmode=require"},
      {"host=db;password=x", "<redacted:connection-string>"},
      {"postgres://db/coder?sslmode=require;password=x", "postgres://db/coder?sslmode=<redacted:connection-string>"},
      {"jdbc:sqlserver://host:1433;databaseName=x;password=y", "jdbc:sqlserver://<redacted:connection-string>"},
      {"AccountName=a;AccountKey=azkey==", "<redacted:connection-string>"},
      {"not a connection string", "<redacted:connection-string>"},
      {"postgres://<redacted:connection-string>@db:5432/coder", "postgres://<redacted:connection-string>@db:5432/coder"},
    };
    for (const auto& [in, expected] : cases) {
      const std::string input(in); // clang 14 cannot capture a structured binding
      CAPTURE(input);
      CHECK(r.redact_connection(in) == expected);
    }
    CHECK(r.counts().at("connection-string") == 10);
  }

  TEST_CASE("connection, flag and secret names")
  {
    for (const char* yes : {"CODER_PG_CONNECTION_URL", "pgConnectionURL", "postgres-url", "Postgres Connection URL", "DATABASE_URL",
                            "SENTRY_DSN", "AZURE_STORAGE_CONNECTION_STRING"}) {
      CAPTURE(std::string(yes));
      CHECK(Redactor::is_connection_name(yes));
      CHECK(Redactor::is_secret_name(yes));
    }
    for (const char* no : {"CODER_PG_CONNECTION_URL_FILE", "CODER_ACCESS_URL", "CODER_PG_AUTH", "postgres", "TOKENIZER_MODEL",
                           "secretname", "MONKEY"}) {
      CAPTURE(std::string(no));
      CHECK_FALSE(Redactor::is_connection_name(no));
      CHECK_FALSE(Redactor::is_secret_name(no));
    }
    for (const char* yes : {"db_password", "oidc-client-secret", "SLACK_WEBHOOK_URL", "external_token_encryption_keys", "DBPASSWORD",
                            "htpasswd", "clientsecret", "GITHUB_APITOKEN", "CODER_SCIM_AUTH_HEADER"}) {
      CAPTURE(std::string(yes));
      CHECK(Redactor::is_secret_name(yes));
    }
  }

  TEST_CASE("a coderd pod: env, args, command and annotations")
  {
    Redactor r = make();
    Json pod = Json::parse(R"({"kind":"Pod","metadata":{"name":"coder-1","annotations":{"db-dsn":"host=db password=annDsn1",
        "vault.hashicorp.com/agent-inject-token":"hvs.annTok2","checksum/config":"abc123"}},
      "spec":{"containers":[{"name":"coder","image":"ghcr.io/coder/coder:v2.18.5",
        "command":["sh","-c","exec /opt/coder server --oidc-client-secret cmdSecret3"],
        "args":["server","--postgres-url","postgres://coder:argPw4@db:5432/coder","--oidc-client-secret","argSecret5",
                "--provisioner-daemon-psk=argPsk6","--access-url=https://coder.example.com","--session-token","argTok7"],
        "env":[{"name":"CODER_PG_CONNECTION_URL","value":"postgres://coder:envPw8@db.internal:5432/coder?sslmode=require"},
               {"name":"db_password","value":"envPw9"},
               {"name":"MY_API_KEY_FILE","value":"/etc/key"},
               {"name":"CODER_PG_CONNECTION_URL_FILE","value":"/run/secrets/pg"},
               {"name":"CODER_EXTERNAL_AUTH_0_CLIENT_SECRET","value":"envExt10"},
               {"name":"CODER_EXTERNAL_AUTH_0_CLIENT_ID","value":"Iv1.abc"},
               {"name":"CODER_PROVISIONER_DAEMON_PSK","value":"envPsk11"},
               {"name":"CODER_PG_AUTH","value":"password"},
               {"name":"SLACK_WEBHOOK_URL","value":"https://hooks.slack.com/services/T0/B0/envHook12"},
               {"name":"HTTP_PROXY","value":"http://proxyuser:envProxy13@proxy:3128"},
               {"name":"CODER_ACCESS_URL","value":"https://coder.example.com"}]}]}})");
    r.redact_json(pod);
    const std::string out = pod.dump();
    for (const char* canary : {"annDsn1", "annTok2", "cmdSecret3", "argPw4", "argSecret5", "argPsk6", "argTok7", "envPw8", "envPw9",
                               "envExt10", "envPsk11", "envHook12", "envProxy13"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    const Json& c = pod["spec"]["containers"][0];
    // The database checks read the host of CODER_PG_CONNECTION_URL: it stays.
    CHECK(c["env"][0]["value"] == "postgres://<redacted:connection-string>@db.internal:5432/coder?sslmode=require");
    CHECK(c["args"][2] == "postgres://<redacted:connection-string>@db:5432/coder");
    CHECK(c["args"][4] == "<redacted:secret-flag>");
    CHECK(c["args"][5] == "--provisioner-daemon-psk=<redacted:secret-flag>");
    CHECK(c["args"][6] == "--access-url=https://coder.example.com");
    for (const int kept : {2, 3, 5, 7, 10}) {
      CAPTURE(kept);
      CHECK(c["env"][kept]["value"].get<std::string>().find("<redacted:") == std::string::npos);
    }
    CHECK(pod["metadata"]["annotations"]["checksum/config"] == "abc123");
    CHECK(pod["metadata"]["annotations"]["db-dsn"] == "host=db password=<redacted:connection-string>");
    CHECK(c["image"] == "ghcr.io/coder/coder:v2.18.5");
    check_stable(r, pod);
  }

  TEST_CASE("scheduling fields named like keys are evidence, not secrets")
  {
    Redactor r = make();
    Json spec = Json::parse(R"({"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[
        {"labelSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["coder"]}]},"topologyKey":"kubernetes.io/hostname"}]}},
      "topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone","matchLabelKeys":["pod-template-hash"]}],
      "tolerations":[{"key":"dedicated","value":"coder"}]})");
    const Json before = spec;
    r.redact_json(spec);
    CHECK(spec == before);
    CHECK(r.counts().empty());
  }

  TEST_CASE("Coder's deployment config: secret options, lists of keys and URLs with passwords")
  {
    Redactor r = make();
    Json config = Json::parse(R"({"config":{"pg_connection_url":"postgres://coder:cfgPw1@db:5432/coder",
        "external_token_encryption_keys":["cfgKey2","cfgKey3"],"oidc":{"client_secret":"cfgOidc4","client_id":"coder"},
        "access_url":{"Scheme":"https","Host":"coder.example.com","User":{"username":"u","password":"cfgUrl5","passwordSet":true}},
        "notifications":{"webhook":{"endpoint":{"Scheme":"https","Host":"hooks.slack.com","Path":"/services/T0/B0/cfgHook10"}}}},
      "options":[
        {"name":"Postgres Connection URL","flag":"postgres-url","env":"CODER_PG_CONNECTION_URL","yaml":"pgConnectionURL",
         "value":"postgres://coder:optPw6@db:5432/coder","value_source":"env","annotations":{"secret":"true"}},
        {"name":"A Future Setting","env":"CODER_FUTURE","value":"optFuture7","annotations":{"secret":"true"}},
        {"name":"External Token Encryption Keys","env":"CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS","value":["optKey8"],
         "annotations":{"secret":"true"}},
        {"name":"External Auth Providers","env":"CODER_EXTERNAL_AUTH_CONFIGS","value":[{"id":"gh","client_secret":"optExt9"}]},
        {"name":"Max Token Lifetime","env":"CODER_MAX_TOKEN_LIFETIME","value":2592000000000000,"value_source":"default"},
        {"name":"Access URL","env":"CODER_ACCESS_URL","value":"https://coder.example.com","value_source":"env"},
        {"name":"Notifications: Webhook: Endpoint","env":"CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT",
         "value":{"Scheme":"https","Host":"alerts.example.com","Path":"/hook/optHook11","RawQuery":"key=optHook12"}}]})");
    r.redact_json(config);
    const std::string out = config.dump();
    for (const char* canary : {"cfgPw1", "cfgKey2", "cfgKey3", "cfgOidc4", "cfgUrl5", "optPw6", "optFuture7", "optKey8", "optExt9", "cfgHook10",
                               "optHook11", "optHook12"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    CHECK(config["config"]["pg_connection_url"] == "postgres://<redacted:connection-string>@db:5432/coder");
    CHECK(config["options"][0]["value"] == "postgres://<redacted:connection-string>@db:5432/coder");
    CHECK(config["options"][0]["annotations"]["secret"] == "true"); // the flag is evidence, not a secret
    CHECK(config["options"][1]["value"] == "<redacted:secret-option>");
    CHECK(config["options"][5]["value"] == "https://coder.example.com");
    CHECK(config["options"][0]["value_source"] == "env");
    CHECK(config["config"]["oidc"]["client_id"] == "coder");
    CHECK(config["config"]["notifications"]["webhook"]["endpoint"]["Host"] == "hooks.slack.com");
    CHECK(config["options"][6]["value"]["Host"] == "alerts.example.com");
    check_stable(r, config);
  }

  TEST_CASE("ConfigMap data in Coder namespaces: kubeconfigs, registry auth, service accounts, env files")
  {
    Redactor r = make();
    Json cm = Json::parse(R"({"kind":"ConfigMap","metadata":{"name":"cm","namespace":"coder"},"data":{
      "kubeconfig":"users:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFB\n    token: cmKubeTok1\n",
      ".dockerconfigjson":"{\"auths\":{\"ghcr.io\":{\"auth\":\"Y21Eb2NrZXIy\"}}}",
      "sa.json":"{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIcmGcp3\\n-----END PRIVATE KEY-----\\n\"}",
      "values.yaml":"coder:\n  env:\n    - name: CODER_OIDC_CLIENT_SECRET\n      value: cmYaml4\n    - name: CODER_ACCESS_URL\n      value: https://coder.example.com\n",
      "DATABASE_URL":"postgres://coder:cmDb5@db.internal/coder",
      "CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS":"cmKey6,cmKey7"}})");
    r.redact_json(cm);
    const std::string out = cm.dump();
    for (const char* canary : {"LS0tLS1CRUdJTiBSU0Eg", "cmKubeTok1", "Y21Eb2NrZXIy", "MIIcmGcp3", "cmYaml4", "cmDb5", "cmKey6", "cmKey7"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    CHECK(cm["data"]["DATABASE_URL"] == "postgres://<redacted:connection-string>@db.internal/coder");
    CHECK(cm["data"]["values.yaml"].get<std::string>().find("value: https://coder.example.com") != std::string::npos);
  }

  TEST_CASE("a Secret never keeps data, even in an annotation that cannot be parsed")
  {
    Redactor r = make();
    Json secret = Json::parse(R"({"kind":"Secret","metadata":{"name":"s","annotations":{"coder-cva.coder.com/keys":"url,password",
      "kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Secret\",\"data\":{\"url\":\"c2VjcmV0MQ==\"}} truncated"}},
      "data":{"url":"c2VjcmV0Mg=="},"stringData":{"x":"plain3"}})");
    r.redact_json(secret);
    const std::string out = secret.dump();
    for (const char* canary : {"c2VjcmV0MQ", "c2VjcmV0Mg", "plain3"}) {
      CAPTURE(canary);
      CHECK(out.find(canary) == std::string::npos);
    }
    // The key names collect records (never values) stay: they tell which variables a Secret sets.
    CHECK(secret["metadata"]["annotations"]["coder-cva.coder.com/keys"] == "url,password");
  }

  TEST_CASE("a Secret's parsed last-applied configuration is a Secret's, with or without its kind")
  {
    Redactor r = make();
    Json secret = Json::parse(R"({"kind":"Secret","metadata":{"name":"s","annotations":{
      "kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"x\":\"kindlessPlain5\"}}"}}})");
    r.redact_json(secret);
    CHECK(secret.dump().find("kindlessPlain5") == std::string::npos);
    Json args = Json::parse(R"({"args":["server","--oidc-client-secret","-dashFirst6","--access-url","https://c.example.com"]})");
    r.redact_json(args);
    CHECK(args.dump().find("dashFirst6") == std::string::npos);
    CHECK(args["args"][3] == "--access-url");
  }

  TEST_CASE("user patterns: a group, the whole match, and the ones refused")
  {
    Redactor r = make({"ticket-([0-9]+)", "ACME-[A-Z]{4}"});
    CHECK(r.redact_text("ticket-42 ACME-WXYZ") == "ticket-<redacted:user-pattern-1> <redacted:user-pattern-2>");
    r.add_literal("coder-token", "plain.token+value");
    r.add_literal("coder-token", "");
    CHECK(r.redact_text("user sent plain.token+value twice: plain.token+value") ==
          "user sent <redacted:coder-token> twice: <redacted:coder-token>");
    CHECK(r.redact_text("plainXtoken+value") == "plainXtoken+value");
    for (const char* bad : {"(unclosed", "x*", "a|", "a\nb"}) {
      CAPTURE(std::string(bad));
      auto refused = Redactor::create({bad});
      REQUIRE_FALSE(refused.has_value());
      CHECK(refused.error().message.find('\n') == std::string::npos);
    }
  }
}

TEST_SUITE("redact/collect-context")
{
  TEST_CASE("everything a collector hands the context is redacted: documents, text, error records and coverage messages")
  {
    Redactor redactor = make();
    const CollectOptions options;
    KubeClient client("/nonexistent/socket", std::chrono::seconds(1));
    const std::atomic<bool> cancelled{false};
    CollectContext context(options, client, redactor, cancelled, std::chrono::steady_clock::now() + std::chrono::minutes(1));
    context.put_json("coder/api/config.json", Json::parse(R"({"oidc":{"client_secret":"ctxJson1"}})"));
    context.put_text("coder/metrics/p.prom", "x{token=\"ctxText2\"} 1\n");
    context.record_error("pods", "coder", "500: dial postgres://coder:ctxError3@db:5432/coder");
    context.record_coverage("coder/health", "failed", "401: invalid Coder-Session-Token: AbCdEf1234-ctxCoverage4abcdefghijklm");
    const Bundle bundle = context.take_bundle();
    std::string all;
    for (const auto& [path, bytes] : bundle.files()) {
      all += bytes;
    }
    all += context.errors().at("pods").at("coder");
    all += context.coverage().at("coder/health").second;
    for (const char* canary : {"ctxJson1", "ctxText2", "ctxError3", "ctxCoverage4"}) {
      CAPTURE(canary);
      CHECK(all.find(canary) == std::string::npos);
    }
    CHECK(context.coverage().at("coder/health").second.find("401: invalid Coder-Session-Token: <redacted:") == 0);
  }
}
