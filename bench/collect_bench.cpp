// Collection and analysis speed on a synthetic 3,000-workspace cluster served by `serve`:
// - collect's wall time against the sequential `kubectl get <kind> -A -o json` loop a user would
//   otherwise write, for the same kinds, against the same server, in the same run;
// - analyze's wall time against merely decompressing the archive (`tar -xzOf`), and its peak
//   memory against the archive's uncompressed size.
//
//   build/bench/collect_bench [WORKSPACES] [RUNS]
#include <core/bundle/archive.hpp>
#include <core/kube/process.hpp>
#include <core/util/json.hpp>

#include <fmt/format.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace fs = std::filesystem;
using namespace cva;
using Clock = std::chrono::steady_clock;

namespace {

Json pod(const std::string& ns, const std::string& name, const std::string& node, int i, bool workspace)
{
  Json labels = workspace ? Json{{"app.kubernetes.io/name", "coder-workspace"}, {"com.coder.resource", "true"},
                                 {"com.coder.workspace.id", fmt::format("ws-{:06}", i)}}
                          : Json{{"app.kubernetes.io/name", "coder"}, {"app.kubernetes.io/instance", "coder"}};
  Json container = {{"name", workspace ? "dev" : "coder"},
                    {"image", workspace ? "codercom/enterprise-base:ubuntu" : "ghcr.io/coder/coder:v2.18.5"},
                    {"args", workspace ? Json::array() : Json::array({"server"})},
                    {"env", Json::array({{{"name", "CODER_AGENT_URL"}, {"value", "https://coder.example.com"}},
                                         {{"name", "CODER_AGENT_TOKEN"}, {"valueFrom", {{"secretKeyRef", {{"name", "agent-" + name}, {"key", "token"}}}}}}})},
                    {"resources", {{"requests", {{"cpu", "500m"}, {"memory", "2Gi"}}}, {"limits", {{"cpu", "4"}, {"memory", "8Gi"}}}}},
                    {"volumeMounts", Json::array({{{"name", "home"}, {"mountPath", "/home/coder"}}})}};
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}, {"uid", fmt::format("uid-{}", i)},
                        {"creationTimestamp", "2026-11-20T08:00:00Z"},
                        {"ownerReferences", Json::array({{{"kind", "ReplicaSet"}, {"name", name + "-rs"}, {"controller", true}}})}}},
          {"spec", {{"nodeName", node}, {"containers", Json::array({container})},
                    {"volumes", Json::array({{{"name", "home"}, {"persistentVolumeClaim", {{"claimName", name + "-home"}}}}})}}},
          {"status", {{"phase", "Running"}, {"podIP", fmt::format("10.{}.{}.{}", 1 + i / 65536, (i / 256) % 256, i % 256)},
                      {"startTime", "2026-11-20T08:00:00Z"},
                      {"containerStatuses", Json::array({{{"name", workspace ? "dev" : "coder"}, {"ready", true}, {"restartCount", 0},
                                                          {"state", {{"running", {{"startedAt", "2026-11-20T08:00:00Z"}}}}}}})}}}};
}

// A bundle directory with `workspaces` workspace pods (Deployment, ReplicaSet, Pod, PVC, PV each) in
// namespaces of 100, 3 coderd replicas, one node per 15 workspaces, and an event per workspace.
Bundle synthetic_cluster(int workspaces)
{
  Bundle b;
  const int nodes = std::max(3, workspaces / 15);
  Json node_items = Json::array();
  for (int n = 0; n < nodes; ++n) {
    node_items.push_back({{"apiVersion", "v1"}, {"kind", "Node"},
                          {"metadata", {{"name", fmt::format("node-{:04}", n)},
                                        {"labels", {{"eks.amazonaws.com/nodegroup", n < 3 ? "control" : "workspaces"},
                                                    {"topology.kubernetes.io/zone", fmt::format("us-east-1{}", "abc"[n % 3])}}}}},
                          {"status", {{"capacity", {{"cpu", "8"}, {"memory", "32Gi"}}}, {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}});
  }
  b.put("cluster-resources/nodes.json", Json{{"kind", "NodeList"}, {"apiVersion", "v1"}, {"items", node_items}}.dump());
  Json namespaces = Json::array({{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "coder"}}}}});
  Json coder_pods = Json::array();
  for (int i = 0; i < 3; ++i) {
    coder_pods.push_back(pod("coder", fmt::format("coder-6d5f7b8c9-{}", i), fmt::format("node-{:04}", i), i, false));
  }
  b.put("cluster-resources/pods/coder.json", Json{{"kind", "PodList"}, {"apiVersion", "v1"}, {"items", coder_pods}}.dump());
  std::map<std::string, std::array<Json, 5>> by_ns;
  Json pvs = Json::array();
  for (int i = 0; i < workspaces; ++i) {
    const std::string ns = fmt::format("ws-{:03}", i / 100);
    auto& lists = by_ns[ns];
    for (Json& l : lists) {
      if (l.is_null()) {
        l = Json::array();
      }
    }
    const std::string name = fmt::format("coder-ws-{:06}", i);
    const std::string node = fmt::format("node-{:04}", 3 + i % (nodes - 3));
    lists[0].push_back(pod(ns, name, node, i, true));
    Json tmpl = pod(ns, name, node, i, true);
    lists[1].push_back({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", name}, {"namespace", ns}}},
                        {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", tmpl["metadata"]["labels"]}}},
                                  {"template", {{"metadata", {{"labels", tmpl["metadata"]["labels"]}}}, {"spec", tmpl["spec"]}}}}},
                        {"status", {{"replicas", 1}, {"readyReplicas", 1}}}});
    lists[2].push_back({{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"},
                        {"metadata", {{"name", name + "-home"}, {"namespace", ns}}},
                        {"spec", {{"volumeName", "pv-" + name}, {"resources", {{"requests", {{"storage", "30Gi"}}}}}}},
                        {"status", {{"phase", "Bound"}}}});
    lists[3].push_back({{"apiVersion", "v1"}, {"kind", "Event"}, {"metadata", {{"name", name + ".1"}, {"namespace", ns}}},
                        {"involvedObject", {{"kind", "Pod"}, {"name", name}, {"namespace", ns}}}, {"reason", "Started"},
                        {"message", "Started container dev"}, {"type", "Normal"}, {"lastTimestamp", "2026-11-20T08:00:00Z"}});
    pvs.push_back({{"apiVersion", "v1"}, {"kind", "PersistentVolume"}, {"metadata", {{"name", "pv-" + name}}},
                   {"spec", {{"csi", {{"driver", "ebs.csi.aws.com"}, {"volumeHandle", "vol-" + name}}}, {"storageClassName", "gp3"},
                             {"claimRef", {{"namespace", ns}, {"name", name + "-home"}}}}},
                   {"status", {{"phase", "Bound"}}}});
  }
  for (auto& [ns, lists] : by_ns) {
    namespaces.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    const char* dirs[] = {"pods", "deployments", "pvcs", "events"};
    for (int k = 0; k < 4; ++k) {
      b.put(fmt::format("cluster-resources/{}/{}.json", dirs[k], ns), Json{{"kind", "List"}, {"apiVersion", "v1"}, {"items", lists[k]}}.dump());
    }
  }
  b.put("cluster-resources/pvs.json", Json{{"kind", "List"}, {"apiVersion", "v1"}, {"items", pvs}}.dump());
  b.put("cluster-resources/namespaces.json", Json{{"kind", "List"}, {"apiVersion", "v1"}, {"items", namespaces}}.dump());
  b.put("cluster-info/cluster_version.json", R"({"info":{"gitVersion":"v1.30.4","major":"1","minor":"30"}})");
  b.put("coder-cva/manifest.json", R"({"format_version":1,"collected_at":"2026-11-20T09:00:00Z"})");
  return b;
}

double seconds_since(Clock::time_point t0)
{
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v)
{
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs a shell command, returning its wall time; exits on failure.
double timed(const std::string& cmd)
{
  const auto t0 = Clock::now();
  if (std::system(cmd.c_str()) != 0) {
    std::cerr << "collect_bench: command failed: " << cmd << "\n";
    std::exit(1);
  }
  return seconds_since(t0);
}

} // namespace

int main(int argc, char** argv)
{
  const int workspaces = argc > 1 ? std::atoi(argv[1]) : 3000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const fs::path cli = fs::path(CVA_BINARY_DIR) / "cmd/kubectl-coder_cva";
  const fs::path dir = fs::temp_directory_path() / fmt::format("coder-cva-bench-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path input = dir / "synthetic.tar.gz";
  const Bundle bundle = synthetic_cluster(workspaces);
  if (!write_tar_gz(bundle, input, "synthetic", 1'764'000'000)) {
    return 1;
  }
  std::cout << fmt::format("synthetic cluster: {} workspaces, {} files, {:.1f} MiB uncompressed, {:.1f} MiB archive\n", workspaces,
                           bundle.size(), static_cast<double>(bundle.total_bytes()) / (1 << 20),
                           static_cast<double>(fs::file_size(input)) / (1 << 20));

  std::cout.flush();
  const fs::path kubeconfig = dir / "kubeconfig";
  const pid_t server = ::fork();
  if (server == 0) {
    const std::string log = (dir / "serve.log").string();
    std::freopen(log.c_str(), "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    ::execl(cli.c_str(), cli.c_str(), "serve", input.c_str(), "--kubeconfig-out", kubeconfig.c_str(), nullptr);
    ::_exit(127);
  }
  for (int i = 0; i < 200 && !fs::exists(kubeconfig); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string env = fmt::format("KUBECONFIG={} KUBECACHEDIR={}", kubeconfig.string(), (dir / "cache").string());
  const std::vector<std::string> kinds = {
    "namespaces", "nodes", "pods", "services", "endpoints", "events", "configmaps", "secrets", "persistentvolumeclaims",
    "persistentvolumes", "resourcequotas", "limitranges", "deployments", "statefulsets", "daemonsets", "replicasets",
    "jobs", "cronjobs", "networkpolicies", "ingresses", "ingressclasses", "poddisruptionbudgets", "horizontalpodautoscalers",
    "storageclasses", "csidrivers", "csinodes", "volumeattachments", "endpointslices"};
  std::string loop;
  for (const std::string& k : kinds) {
    loop += fmt::format("kubectl get {} -A -o json >/dev/null 2>&1; ", k);
  }
  std::vector<double> collect_times;
  std::vector<double> loop_times;
  const fs::path archive = dir / "collected.tar.gz";
  timed(fmt::format("{} kubectl get ns >/dev/null 2>&1 || true", env)); // warm kubectl's discovery cache
  for (int r = 0; r < runs; ++r) {
    loop_times.push_back(timed(fmt::format("{} sh -c '{}'", env, loop)));
    collect_times.push_back(timed(fmt::format("{} {} collect --no-analyze -o {} 2>/dev/null", env, cli.string(), archive.string())));
  }
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
  const double c = median(collect_times);
  const double l = median(loop_times);
  std::cout << fmt::format("collect: {:.2f}s (median of {}); sequential `kubectl get <kind> -A -o json` loop over the same {} kinds: "
                           "{:.2f}s; collect takes {:.2f}x the loop's time (it also fetches logs, discovery and Coder data)\n",
                           c, runs, kinds.size(), l, c / l);

  // Analysis against decompression.
  std::cout.flush();
  std::vector<double> untar;
  std::vector<double> analyze;
  long peak_kib = 0;
  for (int r = 0; r < runs; ++r) {
    untar.push_back(timed(fmt::format("tar -xzOf {} >/dev/null", archive.string())));
    const auto t0 = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
      std::freopen("/dev/null", "w", stdout);
      ::execl(cli.c_str(), cli.c_str(), "analyze", archive.c_str(), "-o", "json", "--fail-on", "never", nullptr);
      ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    analyze.push_back(seconds_since(t0));
    peak_kib = std::max(peak_kib, usage.ru_maxrss);
  }
  auto collected = read_archive_file(archive);
  const double uncompressed_mib = collected ? static_cast<double>(collected->total_bytes()) / (1 << 20) : 0;
  std::cout << fmt::format("analyze: {:.2f}s (median of {}); `tar -xzOf`: {:.2f}s; analyze takes {:.1f}x decompression\n",
                           median(analyze), runs, median(untar), median(analyze) / median(untar));
  std::cout << fmt::format("analyze peak memory: {:.1f} MiB for {:.1f} MiB uncompressed ({:.1f}x)\n", static_cast<double>(peak_kib) / 1024,
                           uncompressed_mib, static_cast<double>(peak_kib) / 1024 / uncompressed_mib);
  fs::remove_all(dir);
  return 0;
}
