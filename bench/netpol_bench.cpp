// Benchmark of the NetworkPolicy matrix: 300 workspace namespaces with 600 policies, first with 300
// workspace pods, then with 3,000. The matrix is computed over classes of pods, so its cost should
// grow with the number of classes, not with the square of the number of pods. Reports the time
// to the full matrix for each size and the ratio between them (measured in the same run, so the
// ratio holds on any machine). Not a test: run it by hand (see bench/README.md).
#include <core/bundle/input.hpp>
#include <core/bundle/manifests.hpp>
#include <core/model/snapshot.hpp>
#include <core/netpol/engine.hpp>
#include <core/netpol/matrix.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

namespace {

using namespace cva;
using Clock = std::chrono::steady_clock;

constexpr int k_namespaces = 300;
constexpr int k_runs = 5;

Json object(const char* api, const char* kind, Json meta, Json spec = nullptr, Json status = nullptr)
{
  Json o{{"apiVersion", api}, {"kind", kind}, {"metadata", std::move(meta)}};
  if (!spec.is_null()) {
    o["spec"] = std::move(spec);
  }
  if (!status.is_null()) {
    o["status"] = std::move(status);
  }
  return o;
}

Json pod(const std::string& ns, const std::string& name, Json labels, const std::string& ip, Json ports = Json::array())
{
  return object("v1", "Pod", {{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}},
                {{"containers", Json::array({Json{{"name", "main"}, {"image", "example/main:1"}, {"ports", std::move(ports)}}})}},
                {{"phase", "Running"}, {"podIP", ip}});
}

// The synthetic cluster: coderd, kube-dns, `workspaces` workspace pods spread over 300 namespaces,
// and two policies per namespace (a default deny, and the egress workspaces need), plus coderd's
// ingress policy: 601 policies.
std::string cluster(int workspaces)
{
  Json items = Json::array();
  for (const char* ns : {"coder", "kube-system"}) {
    items.push_back(object("v1", "Namespace", {{"name", ns}}));
  }
  for (int i = 0; i < 3; ++i) {
    items.push_back(pod("coder", fmt::format("coder-{}", i), {{"app.kubernetes.io/name", "coder"}},
                        fmt::format("10.255.0.{}", i + 1), Json::array({Json{{"name", "http"}, {"containerPort", 8080}}})));
  }
  for (int i = 0; i < 2; ++i) {
    items.push_back(pod("kube-system", fmt::format("coredns-{}", i), {{"k8s-app", "kube-dns"}},
                        fmt::format("10.255.1.{}", i + 1)));
  }
  items.push_back(object("networking.k8s.io/v1", "NetworkPolicy", {{"name", "coderd-ingress"}, {"namespace", "coder"}},
                         Json::parse(R"({"podSelector": {"matchLabels": {"app.kubernetes.io/name": "coder"}},
                           "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "Exists"}]}},
                                                 {"podSelector": {}}], "ports": [{"port": "http"}]}]})")));
  const Json allow = Json::parse(R"({"policyTypes": ["Egress"], "egress": [
      {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "coder"}},
               "podSelector": {"matchLabels": {"app.kubernetes.io/name": "coder"}}}], "ports": [{"port": 8080}]},
      {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
               "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}], "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53}]},
      {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"port": 443}, {"port": 22}]}]})");
  for (int n = 0; n < k_namespaces; ++n) {
    const std::string ns = fmt::format("ws-{:03}", n);
    items.push_back(object("v1", "Namespace", {{"name", ns}, {"labels", {{"team", fmt::format("t{}", n % 10)}}}}));
    items.push_back(object("networking.k8s.io/v1", "NetworkPolicy", {{"name", "default-deny"}, {"namespace", ns}},
                           Json::parse(R"({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})")));
    Json spec = allow;
    // Every other namespace opens the egress to GPU workspaces only: two classes there.
    spec["podSelector"] = n % 2 == 0 ? Json{{"matchLabels", {{"app.kubernetes.io/name", "coder-workspace"}}}}
                                     : Json{{"matchLabels", {{"gpu", "true"}}}};
    items.push_back(object("networking.k8s.io/v1", "NetworkPolicy", {{"name", "workspace-egress"}, {"namespace", ns}},
                           std::move(spec)));
  }
  for (int i = 0; i < workspaces; ++i) {
    Json labels{{"app.kubernetes.io/name", "coder-workspace"},
                {"com.coder.workspace.id", fmt::format("w{:05}", i)},
                {"com.coder.user.username", fmt::format("user{:05}", i)}};
    if ((i / k_namespaces) % 5 == 0) { // the first and sixth workspace of each namespace
      labels["gpu"] = "true";
    }
    items.push_back(pod(fmt::format("ws-{:03}", i % k_namespaces), fmt::format("ws-{:05}", i), std::move(labels),
                        fmt::format("10.{}.{}.{}", 1 + i / 65536, (i / 256) % 256, i % 256)));
  }
  return Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}.dump();
}

Snapshot build(int workspaces)
{
  auto objects = parse_manifest_text(cluster(workspaces), "bench");
  auto bundle = objects ? manifests_to_bundle(*objects, {}) : Result<Bundle>(fail(objects.error().message));
  if (!bundle) {
    fmt::print(stderr, "netpol_bench: {}\n", bundle.error().message);
    std::exit(1);
  }
  LoadedInput input;
  input.bundle = std::move(*bundle);
  input.format = InputFormat::manifests;
  auto snapshot = Snapshot::build(std::move(input));
  if (!snapshot) {
    fmt::print(stderr, "netpol_bench: {}\n", snapshot.error().message);
    std::exit(1);
  }
  return std::move(*snapshot);
}

struct Measure
{
  std::size_t pods = 0;
  std::size_t classes = 0;
  std::size_t policies = 0;
  std::size_t connections = 0;
  double ms = 0; // median time from snapshot to full matrix (engine + classes + every pair)
};

Measure measure(int workspaces)
{
  const Snapshot snapshot = build(workspaces);
  Measure m;
  std::vector<double> times;
  for (int run = 0; run < k_runs; ++run) {
    const auto start = Clock::now();
    const netpol::Engine engine(snapshot);
    const netpol::Matrix matrix = netpol::compute_matrix(engine);
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    m.pods = engine.endpoints().size();
    m.classes = matrix.classes.size();
    m.policies = engine.policies().size();
    m.connections = matrix.connections.size();
  }
  std::sort(times.begin(), times.end());
  m.ms = times[times.size() / 2];
  return m;
}

} // namespace

int main()
{
  const Measure small = measure(300);
  const Measure large = measure(3000);
  for (const Measure& m : {small, large}) {
    fmt::print("{:>5} pods, {:>4} classes, {} policies: full matrix in {:8.2f} ms (median of {}), {} class "
               "connections\n",
               m.pods, m.classes, m.policies, m.ms, k_runs, m.connections);
  }
  const double pods = static_cast<double>(large.pods) / static_cast<double>(small.pods);
  fmt::print("growth 300 -> 3000 workspace pods: time x{:.2f} for pods x{:.2f} (pairs of pods x{:.1f}, pairs of "
             "classes x{:.2f})\n",
             large.ms / small.ms, pods, pods * pods,
             static_cast<double>(large.classes * large.classes) / static_cast<double>(small.classes * small.classes));
  return 0;
}
