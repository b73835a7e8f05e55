// `kubectl coder-cva netpol` end to end: the built binary on the sample archives and on plain
// manifests from stdin.
#include "netpol_fixture.hpp"

#include <doctest/doctest.h>

using cva::Json;
using cva::test::run_cli;
using cva::test::sample_archive;

namespace {

const std::string k_workspace = "coder-workspaces/coder-5f0c2a1e-8d3b-4c7a-9e6f-1b2d3c4e5f6a-6b7c8d9e5f-p4t8w";

const std::string k_manifests = cva::test::namespace_yaml("a") + cva::test::namespace_yaml("b") +
                                cva::test::pod_yaml("a", "web", "{app: web}", "10.0.1.1", "[{name: http, containerPort: 8080}]") +
                                cva::test::pod_yaml("b", "client", "{app: client}", "10.0.2.1") + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}]
    ports: [{port: http}]
)";

} // namespace

TEST_SUITE("cli: netpol")
{
  TEST_CASE("cli: netpol answers why a workspace cannot reach coderd, and exits 3")
  {
    const auto r = run_cli({"netpol", sample_archive("incident").string(), "--from", k_workspace, "--to", "coder/coder",
                            "--port", "80"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("-> Service coder/coder on 80/TCP: denied") != std::string::npos);
    CHECK(r.out.find("via Service coder/coder port http 80/TCP -> targetPort http (8080/TCP): denied") != std::string::npos);
    CHECK(r.out.find("isolated for egress by NetworkPolicy coder-workspaces/default-deny-egress") != std::string::npos);
    CHECK(r.out.find("ingress of pod coder/coder-7c9d8f6b4-x2x9k: allowed (no NetworkPolicy of type Ingress selects it)") !=
          std::string::npos);
  }

  TEST_CASE("cli: netpol exits 0 when the path is allowed, and names the allowing policies in JSON")
  {
    const auto r = run_cli({"netpol", sample_archive("compliant").string(), "--from",
                            "ingress-nginx/ingress-nginx-controller-5f9c7b8d6d-l8d2s", "--to", "coder/coder", "--port",
                            "80", "-o", "json"});
    CHECK(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    CHECK(j["format_version"] == 1);
    CHECK(j["verdict"] == "allowed");
    REQUIRE(j["legs"].size() == 3); // one per coderd replica
    CHECK(j["legs"][0]["allowed_by"] == Json::array({"coder/coderd-ingress"}));
    CHECK(j["legs"][0]["allowed"] == Json::parse(R"([{"port":8080,"protocol":"TCP"}])"));
  }

  TEST_CASE("cli: netpol prints the whole matrix over classes of pods, with addresses")
  {
    const auto r = run_cli({"netpol", sample_archive("compliant").string(), "-o", "json"});
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    const auto class_of = [&](const std::string& pod) {
      for (const Json& c : j["classes"]) {
        for (const Json& p : c["pods"]) {
          if (p == pod) {
            return c["id"].get<std::string>();
          }
        }
      }
      return std::string();
    };
    const std::string ws = class_of("coder-workspaces/coder-1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b-7c8d9e0f1a-a1b2c");
    const std::string coderd = class_of("coder/coder-65f8b7d9c4-4rj9k");
    const std::string dns = class_of("kube-system/coredns-787cb67946-f9kzl");
    REQUIRE_FALSE(ws.empty());
    CHECK(class_of("coder/coder-65f8b7d9c4-w2s6d") == coderd);
    std::map<std::string, Json> from_ws;
    for (const Json& c : j["connections"]) {
      if (c["from"] == ws) {
        from_ws[c["to"].get<std::string>()] = c["ports"];
      }
    }
    CHECK(from_ws.size() == 2);
    CHECK(from_ws[coderd] == Json::parse(R"([{"port":8080,"protocol":"TCP"}])"));
    CHECK(from_ws[dns] == Json::parse(R"([{"port":53,"protocol":"TCP"},{"port":53,"protocol":"UDP"}])"));
    bool internet = false;
    for (const Json& e : j["egress"]) {
      if (e["from"] == ws) {
        internet = e["addresses"] == Json::parse(R"([{"cidr":"0.0.0.0/0","except":["10.0.0.0/8","169.254.169.254/32"]}])");
      }
    }
    CHECK(internet);
    const auto text = run_cli({"netpol", sample_archive("compliant").string()});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("NetworkPolicy reachability: 44 pod(s) in 8 class(es), 2 NetworkPolicy object(s)") != std::string::npos);
    CHECK(text.out.find("-> 0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32: TCP 22, TCP 443, UDP 3478") != std::string::npos);
  }

  TEST_CASE("cli: netpol checks plain manifests before they are applied")
  {
    const auto allowed = run_cli({"netpol", "-", "--from", "b/client", "--to", "a/web", "--port", "8080"}, k_manifests);
    CHECK(allowed.exit_code == 0);
    CHECK(allowed.out.find("pod b/client -> pod a/web on 8080/TCP: allowed") != std::string::npos);
    const auto denied = run_cli({"netpol", "-", "--from", "b/client", "--to", "a/web", "--port", "9090"}, k_manifests);
    CHECK(denied.exit_code == 3);
    CHECK(denied.out.find("TCP 9090 denied: isolated for ingress by NetworkPolicy a/web-in") != std::string::npos);
    const auto outside = run_cli({"netpol", "-", "--from", "203.0.113.0/24", "--to", "a/web"}, k_manifests);
    CHECK(outside.exit_code == 3);
    CHECK(outside.out.find("203.0.113.0/24 -> pod a/web: denied") != std::string::npos);
    const auto filtered = run_cli({"netpol", "-", "--to", "a/web"}, k_manifests);
    CHECK(filtered.exit_code == 0);
    CHECK(filtered.out.find(": TCP 8080") != std::string::npos);
  }

  TEST_CASE("cli: netpol refuses bad arguments with one line and exit 2, unreadable input with exit 1")
  {
    const auto port = run_cli({"netpol", "-", "--from", "b/client", "--to", "a/web", "--port", "http"}, k_manifests);
    CHECK(port.exit_code == 2);
    CHECK(port.err == "kubectl-coder_cva: error: --port: invalid port \"http\": expected N or N/PROTOCOL\n");
    const auto target = run_cli({"netpol", "-", "--from", "b/nobody", "--to", "a/web"}, k_manifests);
    CHECK(target.exit_code == 2);
    CHECK(target.err == "kubectl-coder_cva: error: --from: no pod, Service or workload named b/nobody in the input\n");
    const auto both = run_cli({"netpol", "-", "--from", "10.0.0.0/8", "--to", "1.2.3.4"}, k_manifests);
    CHECK(both.exit_code == 2);
    const auto missing = run_cli({"netpol", "/nonexistent/bundle.tar.gz"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("/nonexistent/bundle.tar.gz") != std::string::npos);
  }

  TEST_CASE("cli: netpol warns on stderr when the input holds no NetworkPolicy")
  {
    const auto r = run_cli({"netpol", "-"}, cva::test::pod_yaml("a", "web", "{app: web}", "10.0.1.1"));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: NetworkPolicies are absent in the input") != std::string::npos);
    CHECK(r.out.find("C1 -> C1: all") != std::string::npos);
  }
}
