// `collect` with the real kubectl against `serve` holding known clusters: round trip, faults,
// redaction canaries, read-only traffic, interruption and the errors a user can meet.
#include <core/bundle/archive.hpp>
#include <core/bundle/input.hpp>
#include <core/http/server.hpp>
#include <core/model/snapshot.hpp>
#include <core/util/json.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

using namespace cva;
namespace fs = std::filesystem;

namespace {

// The incident sample's events were refused in kube-system but collected elsewhere; `serve` lists
// what was collected cluster-wide, where a real API server would have refused the whole list.
// (PodDisruptionBudgets, refused in coder and collected nowhere, `serve` refuses by itself.)
const char* k_incident_rbac = "403:/api/v1/events";

test::CommandResult collect(const test::ServeProcess& server, std::vector<std::string> args)
{
  args.insert(args.begin(), "collect");
  return test::run_cli(args, {}, {"KUBECONFIG=" + server.kubeconfig(), "KUBECACHEDIR=" + server.cache_dir(), "CODER_SESSION_TOKEN="});
}

Snapshot read_snapshot(const fs::path& archive)
{
  auto in = load_inputs({archive.string()});
  REQUIRE_MESSAGE(in.has_value(), (in ? "" : in.error().message));
  auto s = Snapshot::build(std::move(*in));
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
  return std::move(*s);
}

Json manifest_of(const Snapshot& s)
{
  return s.manifest();
}

std::set<std::string> names(const std::vector<Pod>& pods)
{
  std::set<std::string> out;
  for (const Pod& p : pods) {
    out.insert(p.meta.namespace_ + "/" + p.meta.name);
  }
  return out;
}

std::map<std::string, std::string> outcomes(const std::string& report_json)
{
  std::map<std::string, std::string> out;
  const Json report = Json::parse(report_json);
  for (const Json& c : report.at("checks")) {
    out[c["id"]] = c["outcome"];
  }
  return out;
}

// Every file of an archive, decompressed, as one string (to grep for canaries).
std::string all_text(const fs::path& archive)
{
  auto bundle = read_archive_file(archive);
  REQUIRE(bundle.has_value());
  std::string out;
  for (const auto& [path, bytes] : bundle->files()) {
    out += path;
    out += '\n';
    out += bytes;
    out += '\n';
  }
  return out;
}

bool proxy_running()
{
  return test::run_command({"pgrep", "-f", "kubectl.* proxy --unix-socket"}).exit_code == 0;
}

} // namespace

TEST_SUITE("collect")
{
  TEST_CASE("cli: collect round trip: the archive holds what the cluster held and analyzes the same")
  {
    test::ServeProcess server({test::sample_archive("incident").string()}, {"CODER_CVA_SERVE_FAULTS=" + std::string(k_incident_rbac)});
    test::TempDir dir;
    const fs::path archive = dir / "round.tar.gz";
    // The sample holds a Coder support bundle, which a collection adds with --coder-bundle.
    const fs::path support = test::sample_archive("incident").parent_path() / "incident-coder-support.zip";
    const auto r = collect(server, {"-o", archive.string(), "--no-analyze", "--coder-bundle", support.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    CHECK(r.err.find("cluster-resources") != std::string::npos);
    CHECK(r.err.find("Wrote " + archive.string()) != std::string::npos);

    const Snapshot original = read_snapshot(test::sample_archive("incident"));
    const Snapshot copy = read_snapshot(archive);
    CHECK(names(copy.pods) == names(original.pods));
    CHECK(copy.nodes.size() == original.nodes.size());
    CHECK(copy.workloads.size() == original.workloads.size());
    CHECK(copy.services.size() == original.services.size());
    CHECK(copy.pvcs.size() == original.pvcs.size());
    CHECK(copy.storage_classes.size() == original.storage_classes.size());
    CHECK(copy.network_policies.size() == original.network_policies.size());
    CHECK(copy.coder.coderd.size() == 1);
    // What the original could not see, the copy could not see either, and says why.
    CHECK(copy.coverage("events").state == CoverageState::partial);
    CHECK(copy.coverage("events").refused.contains("kube-system"));
    CHECK(copy.coverage("csidrivers").state == CoverageState::forbidden);
    CHECK(copy.coverage("poddisruptionbudgets").refused.contains("coder"));
    // The autoscaler's status ConfigMap came with its data.
    const ConfigMap* ca = copy.find_config_map("kube-system", "cluster-autoscaler-status");
    REQUIRE(ca != nullptr);
    CHECK(ca->data.contains("status"));
    // Logs of the control plane, current and previous.
    CHECK(copy.bundle().contains("cluster-resources/pods/logs/coder/coder-7c9d8f6b4-x2x9k/coder.log"));
    CHECK(copy.bundle().contains("cluster-resources/pods/logs/coder/coder-7c9d8f6b4-x2x9k/coder-previous.log"));
    const Json manifest = manifest_of(copy);
    CHECK(manifest["format_version"] == 1);
    CHECK(manifest["collectors"].size() >= 6);
    CHECK(manifest["complete"] == false);

    const auto before = test::run_cli({"analyze", test::sample_archive("incident").string(), "-o", "json", "--fail-on", "never"});
    const auto after = test::run_cli({"analyze", archive.string(), "-o", "json", "--fail-on", "never"});
    const auto expected = outcomes(before.out);
    auto actual = outcomes(after.out);
    REQUIRE(expected.size() == actual.size());
    for (const auto& [id, outcome] : expected) {
      const std::string& check_id = id; // clang 14 cannot capture a structured binding
      CAPTURE(check_id);
      CHECK(actual[id] == outcome);
    }
  }

  TEST_CASE("cli: collect round trip of the compliant cluster: kinds with no objects are collected, not absent")
  {
    test::ServeProcess server({test::sample_archive("compliant").string()});
    test::TempDir dir;
    const fs::path archive = dir / "compliant.tar.gz";
    const auto r = collect(server, {"--archive", archive.string(), "--coder-token", "session-token-1", "-o", "json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);

    // The compliant cluster has no HPA anywhere: the empty list is evidence, and coderd-hpa passes.
    const Snapshot copy = read_snapshot(archive);
    CHECK(copy.coverage("horizontalpodautoscalers").state == CoverageState::collected);
    CHECK(copy.coverage("jobs").state == CoverageState::collected);
    CHECK(copy.bundle().contains("cluster-resources/horizontal-pod-autoscalers/coder.json"));
    // Metadata-only objects keep their metadata as the cluster had it: nothing added.
    for (const auto& [path, bytes] : copy.bundle().files()) {
      CAPTURE(std::string(path));
      CHECK(bytes.find("\"annotations\": null") == std::string::npos);
    }

    const auto before = test::run_cli({"analyze", test::sample_archive("compliant").string(), "-o", "json"});
    auto expected = outcomes(before.out);
    auto actual = outcomes(r.out);
    // Network interfaces come only from a Coder support bundle, which this collection was not given.
    expected.erase("health-network-interfaces");
    actual.erase("health-network-interfaces");
    REQUIRE(expected.size() == actual.size());
    for (const auto& [id, outcome] : expected) {
      const std::string& check_id = id; // clang 14 cannot capture a structured binding
      CAPTURE(check_id);
      CHECK(actual[id] == outcome);
    }
    CHECK(actual["coderd-hpa"] == "pass");
  }
  TEST_CASE("cli: collect records every fault and still writes a complete archive")
  {
    const std::string faults =
      "403:/api/v1/namespaces/kube-system/configmaps;"
      "403:/api/v1/configmaps;"
      "500:/apis/apps/v1/statefulsets;"
      "drop:/api/v1/services;"
      "delay=4000:/apis/networking.k8s.io/v1/networkpolicies;"
      "403:/api/v1/nodes";
    test::ServeProcess server({test::sample_archive("compliant").string()},
                              {"CODER_CVA_SERVE_FAULTS=" + faults});
    test::TempDir dir;
    const fs::path archive = dir / "faults.tar.gz";
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = collect(server, {"--archive", archive.string(), "--request-timeout", "1s", "-o", "json", "--strict"});
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
    CHECK(seconds < 20); // the slow endpoint cost one request timeout, not the run
    CHECK(r.exit_code == 4);
    REQUIRE(fs::exists(archive));
    const Snapshot s = read_snapshot(archive);
    CHECK(s.coverage("nodes").state == CoverageState::forbidden);
    CHECK(s.coverage("statefulsets").state == CoverageState::failed);
    CHECK(s.coverage("services").state == CoverageState::failed);
    CHECK(s.coverage("networkpolicies").state == CoverageState::failed);
    CHECK(s.coverage("networkpolicies").message.find("request failed") != std::string::npos);
    // ConfigMaps: refused cluster-wide, then listed namespace by namespace, kube-system refused.
    CHECK(s.coverage("configmaps").state == CoverageState::partial);
    CHECK(s.coverage("configmaps").refused.contains("kube-system"));
    CHECK_FALSE(s.coverage("configmaps").refused.contains("coder"));
    // Kinds without faults were collected in full.
    CHECK(s.coverage("pods").state == CoverageState::collected);
    CHECK(s.coverage("deployments").state == CoverageState::collected);
    // The results travel in the archive, ours and in troubleshoot's analysis shape.
    REQUIRE(s.bundle().contains("coder-cva/report.json"));
    REQUIRE(s.bundle().contains("analysis.json"));
    const Json analysis = Json::parse(*s.bundle().get("analysis.json"));
    CHECK(analysis.is_array());
    CHECK(analysis.size() == Json::parse(*s.bundle().get("coder-cva/report.json"))["checks"].size());
    // The report says unknown where it needed what was refused.
    const Json report = Json::parse(r.out);
    for (const Json& c : report["checks"]) {
      if (c["id"] == "control-plane-autoscaled-nodes") {
        CHECK(c["outcome"] == "unknown");
      }
    }
  }

  TEST_CASE("cli: collect writes no secret: canaries planted everywhere are redacted")
  {
    test::TempDir dir;
    const fs::path bundle = dir / "canary";
    test::write_text(bundle / "version.yaml", "kind: SupportBundle\n");
    test::write_text(bundle / "cluster-info/cluster_version.json", R"({"info":{"gitVersion":"v1.30.4","major":"1","minor":"30"}})");
    test::write_text(bundle / "cluster-resources/namespaces.json", R"({"items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"coder"}},
      {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tools"}}]})");
    // Outside Coder's namespaces ConfigMaps are listed without values, and their values must not
    // come in through `kubectl apply`'s annotation either.
    test::write_text(bundle / "cluster-resources/configmaps/tools.json", R"({"items":[{"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"motd","namespace":"tools","annotations":{"kubectl.kubernetes.io/last-applied-configuration":
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"motd\":\"CANARY-elsewhere-46\"}}"}},
      "data":{"motd":"CANARY-elsewhere-47"}}]})");
    test::write_text(bundle / "cluster-resources/pods/coder.json", R"({"items":[{"apiVersion":"v1","kind":"Pod",
      "metadata":{"name":"coder-abc12-x1","namespace":"coder","labels":{"app.kubernetes.io/name":"coder"},
                  "annotations":{"acme.io/api-token":"CANARY-annotation-01","kubectl.kubernetes.io/last-applied-configuration":"{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"CANARY-applied-02\"}]}"}},
      "spec":{"nodeName":"n1","affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,
        "podAffinityTerm":{"labelSelector":{"matchLabels":{"app.kubernetes.io/name":"coder"}},"topologyKey":"kubernetes.io/hostname"}}]}},
        "containers":[{"name":"coder","image":"ghcr.io/coder/coder:v2.18.5",
        "args":["server","--oidc-client-secret","CANARY-arg-17","--provisioner-daemon-psk=CANARY-arg-18","--access-url=https://coder.example.com"],
        "ports":[{"name":"http","containerPort":8080},{"name":"prometheus-http","containerPort":2112}],
        "env":[{"name":"CODER_PG_CONNECTION_URL","value":"postgres://coder:CANARY-pgurl-03@db.internal:5432/coder"},
               {"name":"CODER_OIDC_CLIENT_SECRET","value":"CANARY-oidc-04"},
               {"name":"CODER_EXTERNAL_AUTH_0_CLIENT_SECRET","value":"CANARY-ext-19"},
               {"name":"db_password","value":"CANARY-dbpw-20"},
               {"name":"REPLICA_DATABASE_URL","value":"postgres://coder:CANARY/slash?44@replica.internal:5432/coder"},
               {"name":"ALERTS","value":"https://hooks.slack.com/services/T0/B0/CANARYslack21"},
               {"name":"GIT_HELPER","value":"ghp_CANARYghtoken0123456789abcdefghijklmn"},
               {"name":"CODER_TLS_KEY_FILE","value":"/etc/tls/tls.key"},
               {"name":"CODER_ACCESS_URL","value":"https://coder.example.com"}]}]},
      "status":{"phase":"Running","containerStatuses":[{"name":"coder","ready":true,"restartCount":1}]}}]})");
    test::write_text(bundle / "cluster-resources/services/coder.json", R"({"items":[{"apiVersion":"v1","kind":"Service",
      "metadata":{"name":"coder","namespace":"coder"},"spec":{"selector":{"app.kubernetes.io/name":"coder"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}]})");
    test::write_text(bundle / "cluster-resources/configmaps/coder.json", R"({"items":[{"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"coder-env","namespace":"coder"},"data":{"CODER_OIDC_CLIENT_SECRET":"CANARY-cm-05","notes":"connect with password=CANARY-cm-06 please",
        "kubeconfig":"users:\n- name: u\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpDQU5BUllrdWJlS2V5MjMKLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K\n    token: CANARY-kube-22\n",
        ".dockerconfigjson":"{\"auths\":{\"ghcr.io\":{\"auth\":\"Y29kZXI6Q0FOQVJZZG9ja2VyMjQ=\"}}}",
        "gcp.json":"{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nCANARYgcp25\\n-----END PRIVATE KEY-----\\n\"}",
        "values.yaml":"env:\n  - name: CODER_PG_CONNECTION_URL\n    value: host=db user=coder password=CANARY-yaml-26\n",
        "azure":"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=CANARYazure27==;EndpointSuffix=core.windows.net",
        "DATABASE_URL":"postgres://coder:CANARY-cm-28@db.internal/coder"}}]})");
    test::write_text(bundle / "cluster-resources/secrets/coder.json", R"({"items":[{"apiVersion":"v1","kind":"Secret",
      "metadata":{"name":"coder-db-url","namespace":"coder","annotations":{"kubectl.kubernetes.io/last-applied-configuration":
        "{\"kind\":\"Secret\",\"data\":{\"url\":\"Q0FOQVJZLWxhc3QtMjk=\"}} (cut"}},
      "data":{"url":"Q0FOQVJZLXNlY3JldC0wNw=="},"stringData":{"url":"CANARY-secret-29"}}]})");
    test::write_text(bundle / "cluster-resources/pods/logs/coder/coder-abc12-x1/coder.log",
                     "2026-11-20 09:00:00.000 [info] dialing postgres://coder:CANARY-log-08@db:5432\n"
                     "2026-11-20 09:00:01.000 [debu] Authorization: Bearer CANARYlog09CANARYlog09\n"
                     "{\"level\":\"info\",\"msg\":\"login\",\"token\":\"CANARY-log-30\",\"body\":\"{\\\"password\\\":\\\"CANARY log 31\\\"}\"}\n"
                     "2026-11-20 09:00:02.000 [debu] Authorization: Basic Y29kZXI6Q0FOQVJZYmFzaWMzMQ==\n"
                     "2026-11-20 09:00:03.000 [debu] Coder-Session-Token: CANARYsess-CANARYsessionSecret012 acme-internal-4444 CORPSECRET-77\n"
                     "2026-11-20 09:00:04.000 [info] access URL https://coder.example.com\n"
                     "2026-11-20 09:00:04.500 [debu] cli login as CANARY-token-16 accepted\n"
                     "2026-11-20 09:00:05.000 [info] replica postgres://coder:CANARY/slash?45@replica.internal:5432/coder\n");
    // The previous container's log was cut by the byte cap inside a key, and dials a DSN.
    test::write_text(bundle / "cluster-resources/pods/logs/coder/coder-abc12-x1/coder-previous.log",
                     "CANARYpemtail32\n-----END RSA PRIVATE KEY-----\n"
                     "2026-11-20 08:00:00.000 [info] dialing host=db user=coder password='CANARY prev 33' dbname=coder\n"
                     "-----BEGIN EC PRIVATE KEY-----\nCANARYpemhead34\n");
    test::write_text(bundle / "coder/metrics/coder-abc12-x1.prom", "coderd_build_info{version=\"v2\",token=\"CANARY-metric-10\"} 1\n");
    test::write_text(bundle / "coder/api/config.json", R"({"config":{"pg_connection_url":"postgres://x:CANARY-api-11@y/z","oidc":{"client_secret":"CANARY-api-12"},
      "external_token_encryption_keys":["CANARY-api-35"]},
      "options":[{"name":"Postgres Connection URL","flag":"postgres-url","env":"CODER_PG_CONNECTION_URL","value":"postgres://coder:CANARY-api-36@db.internal:5432/coder",
                  "value_source":"env","annotations":{"secret":"true"}},
                 {"name":"Some Future Setting","env":"CODER_FUTURE","value":"CANARY-api-37","value_source":"env","annotations":{"secret":"true"}}]})");
    test::write_text(bundle / "coder/api/health.json", R"({"severity":"error","healthy":false,
      "database":{"healthy":false,"severity":"error","error":"dial postgres://coder:CANARY-health-38@db.internal:5432/coder: refused"}})");
    test::write_text(bundle / "coder/api/buildinfo.json", R"({"version":"v2.18.5"})");
    Bundle zip;
    zip.put("deployment/config.json", R"({"config":{"oauth2":{"github":{"client_secret":"CANARY-zip-13"}}}})");
    zip.put("agent/logs.txt", "agent token=CANARY-zip-14\n");
    zip.put("agent/manifest.json", R"({"agent_id":"a1","environment_variables":{"GITHUB_TOKEN":"CANARY-zip-39"},
      "scripts":[{"script":"export GITLAB_TOKEN=glpat-CANARYglpat40abcdefghij\ncoder login --token CANARY-zip-41 https://coder.example.com"}]})");
    const char cmdline[] = "/opt/coder\0server\0--oidc-client-secret\0CANARY-zip-43\0--access-url\0https://coder.example.com";
    zip.put("pprof/cmdline.txt", std::string(cmdline, sizeof(cmdline) - 1));
    zip.put("workspace/parameters.json", R"([{"name":"db_password","value":"CANARY-zip-42"},{"name":"region","value":"eu-west-1"},
      {"name":"anthropic","value":"sk-ant-api03-CANARYanthropic44abcdefghijklmnopqrstu"}])");
    zip.put("logs.txt", "2026-11-20 [debu] sdk request Coder-Session-Token: CANARYsess-CANARYsessionSecret012\n");
    zip.put("workspace/template_file.zip", "PK binary CANARY-zip-15");
    test::write_text(dir / "support.zip", *write_zip_memory(zip, 1'700'000'000));

    test::ServeProcess server({bundle.string()});
    const fs::path archive = dir / "canary.tar.gz";
    const auto r = test::run_cli({"collect", "-o", archive.string(), "--no-analyze", "--coder-bundle", (dir / "support.zip").string(),
                                  "--coder-token", "CANARY-token-16", "--redact-pattern", "acme-internal-([0-9]+)",
                                  "--redact-pattern", "CORPSECRET-[0-9]+"},
                                 {}, {"KUBECONFIG=" + server.kubeconfig(), "KUBECACHEDIR=" + server.cache_dir()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const std::string text = all_text(archive);
    for (const char* canary : {"CANARY-annotation-01", "CANARY-applied-02", "CANARY-pgurl-03", "CANARY-oidc-04", "CANARY-cm-05",
                               "CANARY-cm-06", "CANARY-log-08", "CANARYlog09", "CANARY-metric-10", "CANARY-api-11",
                               "CANARY-api-12", "CANARY-zip-13", "CANARY-zip-14", "CANARY-zip-15", "CANARY-token-16", "CANARY-arg-17",
                               "CANARY-arg-18", "CANARY-ext-19", "CANARY-dbpw-20", "CANARYslack21", "CANARYghtoken", "CANARY-kube-22",
                               "CANARYkube", "CANARYdocker24", "CANARYgcp25", "CANARY-yaml-26", "CANARYazure27", "CANARY-cm-28",
                               "CANARY-secret-29", "CANARY-log-30", "CANARY log 31", "CANARYbasic31", "CANARYsessionSecret", "CANARYpemtail32",
                               "CANARY prev 33", "CANARYpemhead34", "CANARY-api-35", "CANARY-api-36", "CANARY-api-37",
                               "CANARY-health-38", "CANARY-zip-39", "CANARYglpat40", "CANARY-zip-41", "CANARY-zip-42", "CANARY-zip-43", "slash?44", "slash?45",
                               "CANARYanthropic44", "CANARY-elsewhere-46", "CANARY-elsewhere-47"}) {
      CAPTURE(std::string(canary));
      CHECK(text.find(canary) == std::string::npos);
    }
    CHECK(text.find("CANARY") == std::string::npos);
    CHECK(text.find("Q0FOQVJZ") == std::string::npos);
    CHECK(text.find("LS0tLS1CRUdJTiBSU0Eg") == std::string::npos); // the base64 key
    CHECK(text.find("4444") == std::string::npos);
    CHECK(text.find("acme-internal-<redacted:user-pattern-1>") != std::string::npos);
    CHECK(text.find("<redacted:user-pattern-2>") != std::string::npos);
    // Evidence the checks need stays: image tags, hosts, non-secret env and paths to keys.
    CHECK(text.find("ghcr.io/coder/coder:v2.18.5") != std::string::npos);
    CHECK(text.find("/etc/tls/tls.key") != std::string::npos);
    CHECK(text.find("--access-url=https://coder.example.com") != std::string::npos);
    CHECK(text.find("postgres://<redacted:connection-string>@db.internal:5432/coder") != std::string::npos);
    CHECK(text.find("eu-west-1") != std::string::npos);
    CHECK(text.find("postgres://<redacted:connection-string>@replica.internal:5432/coder") != std::string::npos);
    CHECK(text.find("\"topologyKey\": \"kubernetes.io/hostname\"") != std::string::npos);
    CHECK(text.find("<redacted:") != std::string::npos);
    CHECK(text.find("https://coder.example.com") != std::string::npos); // not over-redacted
    const Snapshot s = read_snapshot(archive);
    const Json& redaction = s.manifest()["redaction"];
    CHECK(redaction["env-secret-name"].get<int>() >= 2);
    CHECK(redaction["url-credentials"].get<int>() >= 1);
    CHECK(redaction["secret-key-name"].get<int>() >= 3);
    CHECK(s.manifest().dump().find("CANARY") == std::string::npos);
    CHECK(s.manifest().dump().find("<redacted:") == std::string::npos); // counts, never values
    // The secret flag of a deployment config option is kept (the checks read value_source), and
    // a Secret carries no data whatever the server sent.
    REQUIRE(s.coder_data.find("config") != nullptr);
    CHECK(s.coder_data.find("config")->json["options"][0]["annotations"]["secret"] == "true");
    CHECK(s.bundle().get("cluster-resources/secrets/coder.json")->find("\"data\"") == std::string::npos);
    CHECK(s.bundle().contains("cluster-resources/pods/logs/coder/coder-abc12-x1/coder-previous.log"));
    // The database path check still reads the host of CODER_PG_CONNECTION_URL.
    const auto analysis = test::run_cli({"analyze", archive.string(), "-o", "json", "--fail-on", "never", "--only", "network-coderd-to-postgres"});
    CHECK(analysis.out.find("host from CODER_PG_CONNECTION_URL") != std::string::npos);
    // The Coder API was reached with the token, and the support bundle was unpacked.
    CHECK(s.bundle().contains("coder/api/config.json"));
    CHECK(s.bundle().contains("coder/support-bundle/deployment/config.json"));
    CHECK_FALSE(s.bundle().contains("coder/support-bundle/workspace/template_file.zip"));
    CHECK(s.bundle().contains("coder/metrics/coder-abc12-x1.prom"));
    REQUIRE(s.find_config_map("tools", "motd") != nullptr); // listed, without its values
    // Only GETs reached the server.
    const std::string log = server.stderr_text();
    std::size_t requests = 0;
    std::size_t pos = 0;
    while ((pos = log.find('\n', pos)) != std::string::npos) {
      ++pos;
      if (pos < log.size() && log.compare(pos, 4, "GET ") == 0) {
        ++requests;
      }
    }
    CHECK(requests > 20);
    for (const char* verb : {"\nPOST ", "\nPUT ", "\nPATCH ", "\nDELETE "}) {
      CHECK(log.find(verb) == std::string::npos);
    }
  }

  TEST_CASE("cli: collect keeps no Secret data even from an API server that sends it for a metadata-only list")
  {
    // A server that ignores the metadata-only Accept header (an old or odd API server, an
    // aggregating proxy): every Secret list comes back with data and stringData.
    http::Server api(http::ServerOptions{.threads = 4}, [](const http::Request& request) {
      http::Response r;
      r.headers = {{"Content-Type", "application/json"}};
      if (request.path == "/version") {
        r.body = R"({"gitVersion":"v1.30.4","major":"1","minor":"30"})";
      } else if (request.path == "/api/v1") {
        r.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
          {"name":"secrets","namespaced":true,"kind":"Secret","verbs":["get","list"]},
          {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","list"]}]})";
      } else if (request.path == "/apis") {
        r.body = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[]})";
      } else if (request.path == "/api/v1/namespaces") {
        r.body = R"({"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"coder"}}]})";
      } else if (request.path == "/api/v1/secrets" || request.path == "/api/v1/namespaces/coder/secrets") {
        r.body = R"({"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[
          {"metadata":{"name":"coder-db-url","namespace":"coder"},"type":"Opaque",
           "data":{"url":"Q0FOQVJZLWRhdGEtMQ=="},"stringData":{"password":"CANARY-string-2"}}]})";
      } else {
        r.status = 404;
        r.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404})";
      }
      return r;
    });
    const auto port = api.bind();
    REQUIRE(port.has_value());
    std::thread serving([&] { (void)api.run(); });
    test::TempDir dir;
    test::write_text(dir / "kubeconfig", fmt::format(R"(apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "http://127.0.0.1:{}"}}}}]
users: [{{name: u, user: {{}}}}]
contexts: [{{name: c, context: {{cluster: c, user: u}}}}]
current-context: c
)",
                                                     *port));
    const fs::path archive = dir / "secrets.tar.gz";
    const auto r = test::run_cli({"collect", "-o", archive.string(), "--no-analyze", "--timeout", "60s"}, {},
                                 {"KUBECONFIG=" + (dir / "kubeconfig").string(), "KUBECACHEDIR=" + (dir / "cache").string()});
    api.stop();
    serving.join();
    REQUIRE_MESSAGE(fs::exists(archive), r.err);
    const std::string text = all_text(archive);
    CHECK(text.find("Q0FOQVJZ") == std::string::npos);
    CHECK(text.find("CANARY") == std::string::npos);
    const Snapshot s = read_snapshot(archive);
    const std::string* secrets = s.bundle().get("cluster-resources/secrets/coder.json");
    REQUIRE(secrets != nullptr);
    const Json list = Json::parse(*secrets);
    REQUIRE(list["items"].size() == 1);
    CHECK_FALSE(list["items"][0].contains("data"));
    CHECK_FALSE(list["items"][0].contains("stringData"));
    // The key names stay: whether a variable is set is evidence.
    CHECK(list["items"][0]["metadata"]["annotations"]["coder-cva.coder.com/keys"] == "url,password");
  }

  TEST_CASE("cli: collect bounds logs by lines and bytes, and --since narrows them")
  {
    test::ServeProcess server({test::sample_archive("incident").string()});
    test::TempDir dir;
    const fs::path archive = dir / "logs.tar.gz";
    const auto r = collect(server, {"-o", archive.string(), "--no-analyze", "--max-log-lines", "2", "--max-log-bytes", "120", "--since", "2h"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const Snapshot s = read_snapshot(archive);
    const std::string* log = s.bundle().get("cluster-resources/pods/logs/coder/coder-7c9d8f6b4-x2x9k/coder.log");
    REQUIRE(log != nullptr);
    CHECK(std::count(log->begin(), log->end(), '\n') <= 2);
    CHECK(log->size() <= 120);
    const std::string requests = server.stderr_text();
    CHECK(requests.find("tailLines=2&limitBytes=120") != std::string::npos);
    CHECK(requests.find("sinceSeconds=7200") != std::string::npos);
  }

  TEST_CASE("cli: an interrupted collect leaves no archive and no kubectl proxy")
  {
    test::ServeProcess server({test::sample_archive("incident").string()},
                              {"CODER_CVA_SERVE_FAULTS=delay=20000:/apis/apps/v1/deployments"});
    test::TempDir dir;
    const fs::path archive = dir / "never.tar.gz";
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::setenv("KUBECONFIG", server.kubeconfig().c_str(), 1);
      ::setenv("KUBECACHEDIR", server.cache_dir().c_str(), 1);
      ::execl(CVA_CLI, CVA_CLI, "collect", "-o", archive.c_str(), "--no-analyze", "--request-timeout", "60s", nullptr);
      ::_exit(127);
    }
    // Wait until the slow request is in flight, then interrupt.
    for (int i = 0; i < 100 && server.stderr_text().find("/apis/apps/v1/statefulsets") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(proxy_running());
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK_FALSE(fs::exists(archive));
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) {
      ++files;
    }
    CHECK(files == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(proxy_running());
  }

  TEST_CASE("cli: collect runs `coder support bundle` and names the archive after the context")
  {
    test::TempDir dir;
    // The coder CLI cannot run here (it needs a Coder deployment): a stand-in on PATH writes a
    // prepared zip where `coder support bundle --output-file` would.
    Bundle zip;
    zip.put("deployment/health.json", R"({"severity":"ok","healthy":true})");
    zip.put("deployment/buildinfo.json", R"({"version":"v2.18.5"})");
    test::write_text(dir / "prepared.zip", *write_zip_memory(zip, 1'700'000'000));
    test::write_text(dir / "bin/coder", fmt::format(R"(#!/bin/sh
echo "$@" > {0}/coder-args
while [ $# -gt 0 ]; do
  if [ "$1" = "--output-file" ]; then cp {0}/prepared.zip "$2"; fi
  shift
done
)",
                                                    dir.path().string()));
    fs::permissions(dir / "bin/coder", fs::perms::owner_all);
    test::ServeProcess server({test::sample_archive("compliant").string()});
    const std::string path = (dir / "bin").string() + ":" + std::getenv("PATH");
    const auto r = test::run_command({"sh", "-c", fmt::format("cd {} && exec {} collect --no-analyze --coder-support-bundle my-workspace",
                                                              dir.path().string(), CVA_CLI)},
                                     {}, {"KUBECONFIG=" + server.kubeconfig(), "KUBECACHEDIR=" + server.cache_dir(), "PATH=" + path});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_text(dir / "coder-args").find("support bundle --yes --output-file") != std::string::npos);
    CHECK(test::read_text(dir / "coder-args").find("my-workspace") != std::string::npos);
    fs::path archive;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      if (e.path().filename().string().starts_with("coder-cva-")) {
        archive = e.path();
      }
    }
    REQUIRE_FALSE(archive.empty());
    CHECK(archive.filename().string().ends_with("Z.tar.gz"));
    CHECK(archive.filename().string().find(server.kubeconfig().empty() ? "" : "coder-cva-") == 0);
    const Snapshot s = read_snapshot(archive);
    CHECK(s.bundle().contains("coder/support-bundle/deployment/health.json"));
    REQUIRE(s.coder_data.find("health") != nullptr);
  }

  TEST_CASE("cli: collect applies --config, --only and --skip to its report and the archive's")
  {
    test::ServeProcess server({test::sample_archive("incident").string()});
    test::TempDir dir;
    test::write_text(dir / "cva.yaml", "severity: {coderd-replicas: info}\n");
    const fs::path archive = dir / "a.tar.gz";
    const auto r = collect(server, {"--archive", archive.string(), "-o", "json", "--config", (dir / "cva.yaml").string(),
                                    "--only", "coderd-replicas,coderd-hpa", "--skip", "coderd-hpa"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err); // the one failing check is now info
    CHECK(outcomes(r.out) == std::map<std::string, std::string>{{"coderd-replicas", "info"}});
    const Snapshot copy = read_snapshot(archive);
    CHECK(outcomes(*copy.bundle().get("coder-cva/report.json")) == outcomes(r.out));
  }

  TEST_CASE("cli: collect explains what stops it in one line")
  {
    test::TempDir dir;
    const auto no_kubectl = test::run_cli({"collect", "-o", (dir / "x.tar.gz").string()}, {}, {"KUBECTL=/nonexistent/kubectl"});
    CHECK(no_kubectl.exit_code == 1);
    CHECK(no_kubectl.err.find("kubectl not found") != std::string::npos);

    test::ServeProcess server({test::sample_archive("compliant").string()});
    const auto bad_context = test::run_cli({"collect", "--context", "no-such-context", "-o", (dir / "x.tar.gz").string()}, {},
                                           {"KUBECONFIG=" + server.kubeconfig()});
    CHECK(bad_context.exit_code == 1);
    CHECK(bad_context.err.find("no-such-context") != std::string::npos);

    test::write_text(dir / "unreachable.yaml", R"(apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]
users: [{name: u, user: {}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
)");
    const auto t0 = std::chrono::steady_clock::now();
    const auto unreachable = test::run_cli({"collect", "-o", (dir / "x.tar.gz").string(), "--request-timeout", "3s"}, {},
                                           {"KUBECONFIG=" + (dir / "unreachable.yaml").string()});
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(15));
    CHECK(unreachable.exit_code == 1);
    CHECK(unreachable.err.find("cannot reach the cluster of context 'c'") != std::string::npos);
    // A bad --redact-pattern is a usage error before anything is collected.
    for (const char* pattern : {"(unclosed", "x*"}) {
      const auto bad_pattern = test::run_cli({"collect", "-o", (dir / "x.tar.gz").string(), "--redact-pattern", pattern}, {},
                                             {"KUBECONFIG=" + server.kubeconfig()});
      CAPTURE(bad_pattern.err);
      CHECK(bad_pattern.exit_code == 2);
      CHECK(bad_pattern.err.find(std::string("--redact-pattern: invalid redaction pattern '") + pattern + "'") != std::string::npos);
      CHECK(std::count(bad_pattern.err.begin(), bad_pattern.err.end(), '\n') == 1);
    }
    // A bad --config or an unknown check id is a usage error before anything is collected.
    test::write_text(dir / "bad-config.yaml", "severity: {no-such-check: fail}\n");
    const auto bad_config = test::run_cli({"collect", "-o", (dir / "x.tar.gz").string(), "--config", (dir / "bad-config.yaml").string()},
                                          {}, {"KUBECONFIG=" + server.kubeconfig()});
    CHECK(bad_config.exit_code == 2);
    CHECK(bad_config.err.find("bad-config.yaml") != std::string::npos);
    CHECK(bad_config.err.find("Collecting") == std::string::npos);
    const auto bad_only = test::run_cli({"collect", "-o", (dir / "x.tar.gz").string(), "--only", "coderd-replicas,no-such-check"},
                                        {}, {"KUBECONFIG=" + server.kubeconfig()});
    CHECK(bad_only.exit_code == 2);
    CHECK(bad_only.err.find("unknown check id 'no-such-check'") != std::string::npos);
    CHECK(bad_only.err.find("Collecting") == std::string::npos);
    for (const auto* r : {&no_kubectl, &bad_context, &unreachable}) {
      CHECK(r->err.find("kubectl-coder_cva: error: ") != std::string::npos);
      CHECK(std::count(r->err.begin(), r->err.end(), '\n') <= 2); // "Collecting..." and the error
    }
    CHECK_FALSE(fs::exists(dir / "x.tar.gz"));
  }
}
