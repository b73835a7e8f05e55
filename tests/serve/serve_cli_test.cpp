// `kubectl coder-cva serve` driven by the real kubectl: one server per suite, started as a child
// process on a built sample archive or on a troubleshoot-layout directory.
#include "../support/support.hpp"

#include <core/util/json.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <tuple>

using namespace cva;
using namespace cva::test;

namespace {

namespace fs = std::filesystem;

// The line of `text` containing `needle`, or "" when none does.
std::string line_with(const std::string& text, std::string_view needle)
{
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) {
      return line;
    }
  }
  return {};
}

// The whitespace-separated words of `line`.
std::vector<std::string> words(const std::string& line)
{
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) {
    out.push_back(w);
  }
  return out;
}

std::size_t count_lines(const std::string& text)
{
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The serve process on the incident sample, shared by the suite, with its request log.
struct IncidentServer
{
  TempDir dir;
  ServeProcess serve{{sample_archive("incident").string(), "--log", (dir / "requests.log").string()}};

  std::string request_log() const { return read_text(dir / "requests.log"); }
};

IncidentServer& incident()
{
  static IncidentServer server;
  return server;
}

CommandResult kubectl(const std::vector<std::string>& args)
{
  return run_kubectl(incident().serve, args);
}

constexpr const char* k_coderd = "coder-7c9d8f6b4-x2x9k";

// A troubleshoot.sh support bundle as `support-bundle` unpacks it, with a custom resource and its
// CRD, a refused kind and a pod log.
void write_troubleshoot_bundle(const fs::path& root)
{
  const fs::path b = root / "support-bundle-2026-11-27T10_15_00";
  write_text(b / "version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.100.0\n");
  write_text(b / "cluster-info/cluster_version.json",
             R"({"info":{"major":"1","minor":"30","gitVersion":"v1.30.2","platform":"linux/amd64"},"string":"v1.30.2"})");
  write_text(b / "cluster-resources/namespaces.json",
             R"({"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"web","creationTimestamp":"2026-11-01T00:00:00Z"},"status":{"phase":"Active"}}]})");
  write_text(b / "cluster-resources/nodes.json",
             R"({"kind":"NodeList","apiVersion":"v1","items":[{"metadata":{"name":"n1","uid":"n1-uid","creationTimestamp":"2026-11-26T10:15:00Z","labels":{"node-role.kubernetes.io/worker":""}},"status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.30.2"}}}]})");
  write_text(b / "cluster-resources/pods/web.json", R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
    {"metadata":{"name":"web-0","namespace":"web","uid":"web-0-uid","labels":{"app":"web","tier":"front"},"creationTimestamp":"2026-11-27T09:15:00Z"},
     "spec":{"nodeName":"n1","containers":[{"name":"app","image":"nginx:1.27"},{"name":"sidecar","image":"envoy:1.31"}]},
     "status":{"phase":"Running","podIPs":[{"ip":"10.1.0.5"}],"conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[
       {"name":"app","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-11-27T10:10:00Z"}}},
       {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-11-27T09:15:10Z"}}}]}}]})");
  // One object of each kind `kubectl describe` shows events for, each with a Warning event of its
  // own reason (`<Kind>Trouble`), matched by the involvedObject field selectors describe sends.
  const std::vector<std::tuple<std::string, std::string, std::string>> described = {
    {"deployments", "Deployment", R"("spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}},"status":{"replicas":2,"readyReplicas":1})"},
    {"statefulsets", "StatefulSet", R"("spec":{"replicas":1,"serviceName":"web","selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"postgres:16"}]}}},"status":{"replicas":1,"readyReplicas":1})"},
    {"daemonsets", "DaemonSet", R"("spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"agent","image":"agent:1"}]}}},"status":{"desiredNumberScheduled":1})"},
    {"services", "Service", R"("spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","selector":{"app":"web"},"ports":[{"port":80,"protocol":"TCP","targetPort":8080}]})"},
    {"horizontal-pod-autoscalers", "HorizontalPodAutoscaler", R"("spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":6,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]},"status":{"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":91}}}]})"},
    {"pod-disruption-budgets", "PodDisruptionBudget", R"("spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}},"status":{"disruptionsAllowed":0,"currentHealthy":1,"desiredHealthy":1,"expectedPods":2})"},
  };
  std::string events;
  for (const auto& [file, kind, body] : described) {
    write_text(b / "cluster-resources" / file / "web.json",
               fmt::format(R"({{"items":[{{"metadata":{{"name":"web","namespace":"web","uid":"{0}-uid","creationTimestamp":"2026-11-20T10:15:00Z"}},{1}}}]}})",
                           kind, body));
    events += fmt::format(R"(,{{"metadata":{{"name":"web.{0}","namespace":"web"}},"involvedObject":{{"kind":"{0}","name":"web","namespace":"web","uid":"{0}-uid"}},"reason":"{0}Trouble","message":"something is wrong with {0} web","type":"Warning","count":2,"firstTimestamp":"2026-11-27T10:00:00Z","lastTimestamp":"2026-11-27T10:05:00Z","source":{{"component":"{0}-controller"}}}})",
                          kind);
  }
  write_text(b / "cluster-resources/events/web.json", R"({"kind":"EventList","apiVersion":"v1","items":[
    {"metadata":{"name":"web-0.1","namespace":"web"},"involvedObject":{"kind":"Pod","name":"web-0","namespace":"web","uid":"web-0-uid"},
     "reason":"BackOff","message":"Back-off restarting failed container app","type":"Warning","count":3,
     "firstTimestamp":"2026-11-27T10:00:00Z","lastTimestamp":"2026-11-27T10:10:00Z","source":{"component":"kubelet"}})" +
                                                           events + "]}");
  write_text(b / "cluster-resources/events/default.json", R"({"kind":"EventList","apiVersion":"v1","items":[
    {"metadata":{"name":"n1.1","namespace":"default"},"involvedObject":{"kind":"Node","name":"n1","uid":"n1-uid"},
     "reason":"NodeTrouble","message":"something is wrong with Node n1","type":"Warning","count":1,
     "firstTimestamp":"2026-11-27T10:00:00Z","lastTimestamp":"2026-11-27T10:00:00Z","source":{"component":"kubelet","host":"n1"}}]})");
  write_text(b / "cluster-resources/cronjobs/web.json", R"({"items":[{"metadata":{"name":"cleanup","namespace":"web","creationTimestamp":"2026-11-20T10:15:00Z"},
    "spec":{"schedule":"0 3 * * *","suspend":false,"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}},
    "status":{"lastScheduleTime":"2026-11-27T03:00:00Z"}}]})");
  write_text(b / "cluster-resources/rolebindings/web.json", R"({"items":[{"metadata":{"name":"web-readers","namespace":"web","creationTimestamp":"2026-11-20T10:15:00Z"},
    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
    "subjects":[{"kind":"Group","name":"support"},{"kind":"ServiceAccount","name":"web","namespace":"web"}]}]})");
  write_text(b / "cluster-resources/clusterroles.json", R"({"items":[{"metadata":{"name":"view","creationTimestamp":"2026-11-01T00:00:00Z"},"rules":[]}]})");
  write_text(b / "cluster-resources/pods/logs/web/web-0/app.log", "GET / 200\nGET /healthz 200\npanic: boom\n");
  write_text(b / "cluster-resources/pvcs-errors.json",
             R"({"web":"persistentvolumeclaims is forbidden: User \"support\" cannot list resource \"persistentvolumeclaims\" in API group \"\" in the namespace \"web\""})");
  write_text(b / "cluster-resources/custom-resource-definitions.json", R"({"kind":"CustomResourceDefinitionList","apiVersion":"apiextensions.k8s.io/v1","items":[
    {"metadata":{"name":"nodepools.karpenter.sh"},"spec":{"group":"karpenter.sh","scope":"Cluster","names":{"plural":"nodepools","kind":"NodePool","singular":"nodepool"},
     "versions":[{"name":"v1","served":true,"storage":true,"additionalPrinterColumns":[
       {"name":"NodeClass","type":"string","jsonPath":".spec.template.spec.nodeClassRef.name"},
       {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"},
       {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]}]}}]})");
  write_text(b / "cluster-resources/custom-resources/nodepools.karpenter.sh.json",
             R"([{"apiVersion":"karpenter.sh/v1","kind":"NodePool","metadata":{"name":"workspaces","creationTimestamp":"2026-11-20T10:15:00Z"},
                 "spec":{"template":{"spec":{"nodeClassRef":{"name":"default"}}}},"status":{"conditions":[{"type":"Ready","status":"True"}]}}])");
}

struct TroubleshootServer
{
  TempDir dir;
  std::unique_ptr<ServeProcess> serve;
  TroubleshootServer()
  {
    write_troubleshoot_bundle(dir.path() / "bundle");
    serve = std::make_unique<ServeProcess>(std::vector<std::string>{(dir / "bundle").string()});
  }
};

CommandResult kubectl_ts(const std::vector<std::string>& args)
{
  static TroubleshootServer server;
  return run_kubectl(*server.serve, args);
}

} // namespace

TEST_SUITE("serve/cli incident")
{
  TEST_CASE("cli: serve: get pods -A shows kubectl's columns, AGE relative to the collection time")
  {
    const auto r = kubectl({"get", "pods", "-A"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(words(line_with(r.out, "NAMESPACE")) ==
          std::vector<std::string>{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"});
    CHECK(count_lines(r.out) == 21);
    CHECK(words(line_with(r.out, k_coderd)) ==
          std::vector<std::string>{"coder", k_coderd, "1/1", "Running", "4", "(10h", "ago)", "10h"});
    // Created 9m19s before the bundle was collected: the age is that, whenever the test runs.
    CHECK(words(line_with(r.out, "coder-8c3f5d4b")) ==
          std::vector<std::string>{"coder-workspaces", "coder-8c3f5d4b-1a6e-4fad-8b9c-4e5a6f7b8c9d-9fa0b1c2d3-s7w1z",
                                   "0/1", "Pending", "0", "9m19s"});
  }

  TEST_CASE("cli: serve: get -n NAMESPACE -o wide, and other kinds' tables")
  {
    const auto wide = kubectl({"get", "pods", "-n", "coder", "-o", "wide"});
    REQUIRE_MESSAGE(wide.exit_code == 0, wide.err);
    CHECK(count_lines(wide.out) == 5);
    CHECK(line_with(wide.out, "NAME").find("NOMINATED NODE") != std::string::npos);
    CHECK(words(line_with(wide.out, "coder-db-postgresql-0")) ==
          std::vector<std::string>{"coder-db-postgresql-0", "1/1", "Running", "0", "10h", "10.20.1.163",
                                   "ip-10-20-1-88.ec2.internal", "<none>", "<none>"});
    const auto nodes = kubectl({"get", "nodes"});
    CHECK(words(line_with(nodes.out, "NAME")) == std::vector<std::string>{"NAME", "STATUS", "ROLES", "AGE", "VERSION"});
    CHECK(words(line_with(nodes.out, "ip-10-20-1-17")).at(1) == "Ready");
    const auto many = kubectl({"get", "deploy,sts,ds,svc,pvc,pv,sc,netpol", "-A"});
    REQUIRE_MESSAGE(many.exit_code == 0, many.err);
    CHECK(words(line_with(many.out, "deployment.apps/coder-provisioner")) ==
          std::vector<std::string>{"coder", "deployment.apps/coder-provisioner", "2/2", "2", "2", "262d"});
    CHECK(line_with(many.out, "statefulset.apps/coder-db-postgresql").find("1/1") != std::string::npos);
    CHECK(line_with(many.out, "daemonset.apps/aws-node").find("<none>") != std::string::npos);
    CHECK(line_with(many.out, "service/coder ").find("80:31742/TCP") != std::string::npos);
    CHECK(line_with(many.out, "data-coder-db-postgresql-0").find("local-path") != std::string::npos);
    CHECK(line_with(many.out, "coder-8c3f5d4b-1a6e-4fad-8b9c-4e5a6f7b8c9d-home").find("Pending") != std::string::npos);
    CHECK(line_with(many.out, "storageclass.storage.k8s.io/gp2 (default)").find("Immediate") != std::string::npos);
    CHECK(line_with(many.out, "networkpolicy.networking.k8s.io/default-deny-egress").find("<none>") != std::string::npos);
    CHECK(line_with(many.out, "persistentvolume/pvc-3c1d9e2a").find("coder/data-coder-db-postgresql-0") != std::string::npos);
  }

  TEST_CASE("cli: serve: label selectors with the set-based syntax, field selectors with = and !=")
  {
    const auto in = kubectl({"get", "pods", "-A", "-o", "name", "-l",
                             "app.kubernetes.io/name in (coder,coder-provisioner),app.kubernetes.io/instance notin (x)"});
    REQUIRE_MESSAGE(in.exit_code == 0, in.err);
    CHECK(in.out == fmt::format("pod/{}\npod/coder-provisioner-58d4b9c7f6-kq2xv\npod/coder-provisioner-58d4b9c7f6-r7mzp\n", k_coderd));
    const auto exists = kubectl({"get", "pods", "-n", "coder", "-o", "name", "-l", "app.kubernetes.io/name,!pod-template-hash"});
    CHECK(exists.out == "pod/coder-db-postgresql-0\n");
    const auto fields = kubectl({"get", "pods", "-A", "-o", "name", "--field-selector",
                                 "spec.nodeName=ip-10-20-1-17.ec2.internal,metadata.namespace!=kube-system"});
    REQUIRE_MESSAGE(fields.exit_code == 0, fields.err);
    CHECK(count_lines(fields.out) == 4);
    CHECK(fields.out.find("pod/coder-provisioner-58d4b9c7f6-kq2xv") != std::string::npos);
    const auto pending = kubectl({"get", "pods", "-A", "-o", "name", "--field-selector", "status.phase=Pending"});
    CHECK(pending.out == "pod/coder-8c3f5d4b-1a6e-4fad-8b9c-4e5a6f7b8c9d-9fa0b1c2d3-s7w1z\n");
    const auto by_name = kubectl({"get", "pods", "-A", "-o", "name", "--field-selector", fmt::format("metadata.name={}", k_coderd)});
    CHECK(by_name.out == fmt::format("pod/{}\n", k_coderd));
  }

  TEST_CASE("cli: serve: -o json, -o yaml and -o name carry the stored objects")
  {
    const auto json = kubectl({"get", "pods", "-n", "coder", "-o", "json"});
    REQUIRE_MESSAGE(json.exit_code == 0, json.err);
    const Json list = Json::parse(json.out);
    CHECK(list["kind"] == "List");
    REQUIRE(list["items"].size() == 4);
    CHECK(list["items"][0]["kind"] == "Pod");
    CHECK_FALSE(json_string(list["items"][0]["metadata"], "resourceVersion").empty());
    const auto one = kubectl({"get", "pod", "-n", "coder", k_coderd, "-o", "json"});
    CHECK(Json::parse(one.out)["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"] == "OOMKilled");
    const auto yaml = kubectl({"get", "deploy", "coder", "-n", "coder", "-o", "yaml"});
    CHECK(yaml.out.find("kind: Deployment") != std::string::npos);
    CHECK(yaml.out.find("image: ghcr.io/coder/coder:latest") != std::string::npos);
    const auto name = kubectl({"get", "nodes", "-o", "name"});
    CHECK(name.out ==
          "node/ip-10-20-1-17.ec2.internal\nnode/ip-10-20-1-88.ec2.internal\nnode/ip-10-20-2-45.ec2.internal\n");
  }

  TEST_CASE("cli: serve: --chunk-size=1 pages through continue tokens to the same answer")
  {
    // kubectl throttles itself to 5 requests a second past a burst of 10: page a small namespace.
    const auto whole = kubectl({"get", "pods", "-n", "coder"});
    const auto paged = kubectl({"get", "pods", "-n", "coder", "--chunk-size=1"});
    REQUIRE_MESSAGE(paged.exit_code == 0, paged.err);
    CHECK(count_lines(paged.out) == 5);
    CHECK(paged.out == whole.out);
    const std::string log = incident().request_log();
    CHECK(log.find("GET /api/v1/namespaces/coder/pods?limit=1 200") != std::string::npos);
    CHECK(log.find("GET /api/v1/namespaces/coder/pods?continue=") != std::string::npos);
  }

  TEST_CASE("cli: serve: describe pod and node, with their events")
  {
    const auto pod = kubectl({"describe", "pod", "-n", "coder", k_coderd});
    REQUIRE_MESSAGE(pod.exit_code == 0, pod.err);
    CHECK(line_with(pod.out, "Node:").find("ip-10-20-1-17.ec2.internal/10.20.1.17") != std::string::npos);
    CHECK(line_with(pod.out, "Restart Count:").find("4") != std::string::npos);
    CHECK(line_with(pod.out, "Reason:").find("OOMKilled") != std::string::npos);
    CHECK(line_with(pod.out, "BackOff").find("Back-off restarting failed container coder") != std::string::npos);
    const auto node = kubectl({"describe", "node", "ip-10-20-1-17.ec2.internal"});
    REQUIRE_MESSAGE(node.exit_code == 0, node.err);
    CHECK(line_with(node.out, "Non-terminated Pods:").find("(7 in total)") != std::string::npos);
    CHECK(node.out.find(k_coderd) != std::string::npos);
    // kubectl before 1.21 looks node events up by a field set the bundle's event does not match.
    if (test::kubectl_minor() >= 21) {
      CHECK(line_with(node.out, "ScaleDown").find("marked the node as toBeDeleted/unschedulable") != std::string::npos);
    }
  }

  TEST_CASE("cli: serve: logs with and without -c, --previous, --tail, --timestamps, --limit-bytes")
  {
    const auto plain = kubectl({"logs", "-n", "coder", k_coderd});
    REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
    CHECK(count_lines(plain.out) == 8);
    CHECK(plain.out == read_text(source_dir() / "samples/incident/logs/coder" / k_coderd / "coder.log"));
    CHECK(kubectl({"logs", "-n", "coder", k_coderd, "-c", "coder"}).out == plain.out);
    const auto previous = kubectl({"logs", "-n", "coder", k_coderd, "--previous"});
    CHECK(previous.out == read_text(source_dir() / "samples/incident/logs/coder" / k_coderd / "coder-previous.log"));
    const auto tail = kubectl({"logs", "-n", "coder", k_coderd, "--tail=2"});
    CHECK(count_lines(tail.out) == 2);
    CHECK(tail.out.find("access URL unreachable") != std::string::npos);
    // The kubelet's order: the last line, stamped with its own time, then cut to 30 bytes.
    const auto stamped = kubectl({"logs", "-n", "coder", k_coderd, "--tail=1", "--timestamps", "--limit-bytes=30"});
    CHECK(stamped.out == "2026-11-20T09:10:02.004000000Z");
    const auto missing = kubectl({"logs", "-n", "coder", "coder-provisioner-58d4b9c7f6-r7mzp"});
    CHECK(missing.exit_code != 0);
    CHECK(missing.err.find("is not in the bundle") != std::string::npos);
  }

  TEST_CASE("cli: serve: api-resources and get --raw")
  {
    const auto resources = kubectl({"api-resources"});
    REQUIRE_MESSAGE(resources.exit_code == 0, resources.err);
    const std::string pdb = line_with(resources.out, "poddisruptionbudgets");
    for (const char* word : {"pdb", "policy", "true", "PodDisruptionBudget"}) {
      CHECK(pdb.find(word) != std::string::npos);
    }
    CHECK(line_with(resources.out, "csidrivers").find("storage.k8s.io") != std::string::npos);
    // Older kubectl prints verbs as [get list watch], newer as get,list,watch: only reads either way.
    const std::string deployments = line_with(kubectl({"api-resources", "-o", "wide"}).out, "deployments");
    CHECK(deployments.find("watch") != std::string::npos);
    CHECK(deployments.find("create") == std::string::npos);
    CHECK(deployments.find("delete") == std::string::npos);
    const auto version = kubectl({"get", "--raw", "/version"});
    CHECK(Json::parse(version.out)["gitVersion"] == "v1.29.6-eks-a5ec690");
    const auto raw = kubectl({"get", "--raw", "/api/v1/namespaces/coder/pods?limit=1"});
    const Json page = Json::parse(raw.out);
    CHECK(page["items"].size() == 1);
    CHECK(page["metadata"]["remainingItemCount"] == 3);
    const auto unknown = kubectl({"get", "--raw", "/apis/example.com/v1"});
    CHECK(unknown.exit_code != 0);
    CHECK(unknown.err.find("NotFound") != std::string::npos);
  }

  TEST_CASE("cli: serve: auth can-i answers for a read-only viewer; explain and apply say OpenAPI is not served")
  {
    const auto list = kubectl({"auth", "can-i", "list", "pods", "-A"});
    CHECK_MESSAGE(list.exit_code == 0, list.err);
    CHECK(list.out == "yes\n");
    const auto logs = kubectl({"auth", "can-i", "get", "pods", "--subresource=log", "-n", "coder"});
    CHECK(logs.out == "yes\n");
    const auto del = kubectl({"auth", "can-i", "delete", "pods", "-n", "coder"});
    CHECK(del.exit_code == 1);
    CHECK(del.out.starts_with("no"));
    const auto refused = kubectl({"auth", "can-i", "list", "events", "-n", "kube-system"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.find("events is forbidden: User") != std::string::npos);
    CHECK(kubectl({"auth", "can-i", "list", "events", "-n", "coder"}).out == "yes\n");
    const auto rules = kubectl({"auth", "can-i", "--list", "-n", "coder"});
    CHECK_MESSAGE(rules.exit_code == 0, rules.err);
    CHECK(words(line_with(rules.out, "*.*")) == std::vector<std::string>{"*.*", "[]", "[]", "[get", "list", "watch]"});

    // The reason reaches the user through client-go's handling of a 5xx text body; checked where
    // it has been seen (kubectl 1.27 to 1.33), the failure itself everywhere.
    const bool shows_reason = test::kubectl_minor() >= 27;
    const auto explain = kubectl({"explain", "pods"});
    CHECK(explain.exit_code != 0);
    CHECK((!shows_reason || explain.err.find("OpenAPI is not served") != std::string::npos));
    const TempDir dir;
    write_text(dir / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: coder}\n");
    const auto apply = kubectl({"apply", "-f", (dir / "cm.yaml").string()});
    CHECK(apply.exit_code != 0);
    CHECK((!shows_reason || apply.err.find("OpenAPI is not served") != std::string::npos));
    const auto unvalidated = kubectl({"apply", "--validate=false", "-f", (dir / "cm.yaml").string()});
    CHECK(unvalidated.exit_code != 0);
    CHECK(unvalidated.err.find("read-only copy of a support bundle") != std::string::npos);
    CHECK(kubectl({"get", "pod", "-n", "coder", k_coderd, "-o", "name"}).exit_code == 0);
  }

  TEST_CASE("cli: serve: writes fail with 405 and change nothing")
  {
    const auto del = kubectl({"delete", "pod", "-n", "coder", k_coderd, "--wait=false"});
    CHECK(del.exit_code != 0);
    CHECK(del.err.find("Error from server (MethodNotAllowed)") != std::string::npos);
    const auto label = kubectl({"label", "node", "ip-10-20-1-17.ec2.internal", "x=y"});
    CHECK(label.exit_code != 0);
    CHECK(label.err.find("MethodNotAllowed") != std::string::npos);
    CHECK(kubectl({"get", "pod", "-n", "coder", k_coderd, "-o", "name"}).exit_code == 0);
    const std::string log = incident().request_log();
    CHECK(line_with(log, "DELETE /api/v1/namespaces/coder/pods/").find(" 405 ") != std::string::npos);
    CHECK(line_with(log, "PATCH /api/v1/nodes/ip-10-20-1-17.ec2.internal").find(" 405 ") != std::string::npos);
  }

  TEST_CASE("cli: serve: refused kinds answer as the customer's cluster did")
  {
    const auto events = kubectl({"get", "events", "-n", "kube-system"});
    CHECK(events.exit_code != 0);
    CHECK(events.err.find("Error from server (Forbidden): events is forbidden: User \"dev@acme.example.com\" cannot "
                          "list resource \"events\" in API group \"\" in the namespace \"kube-system\"") != std::string::npos);
    const auto pdb = kubectl({"get", "pdb", "-n", "coder"});
    CHECK(pdb.err.find("poddisruptionbudgets.policy is forbidden") != std::string::npos);
    const auto drivers = kubectl({"get", "csidrivers"});
    CHECK(drivers.err.find("Error from server (Forbidden): csidrivers.storage.k8s.io is forbidden") != std::string::npos);
    const auto all = kubectl({"get", "events", "-A"});
    REQUIRE_MESSAGE(all.exit_code == 0, all.err);
    CHECK(all.err.find("Warning: events in namespace kube-system were not collected") != std::string::npos);
    CHECK(line_with(all.out, "ProvisioningFailed").find("50s") != std::string::npos);
    const auto secrets = kubectl({"get", "secrets", "-A"});
    CHECK(secrets.exit_code == 0);
    CHECK(secrets.err.find("secrets were not collected in this bundle") != std::string::npos);
  }

  TEST_CASE("cli: serve: watch answers with the current state and closes")
  {
    const auto watch = kubectl({"get", "pods", "-n", "coder", "--watch"});
    CHECK(watch.exit_code == 0);
    CHECK(count_lines(watch.out) == 5);
    const auto raw = kubectl({"get", "--raw", "/api/v1/namespaces/coder/pods?watch=true"});
    REQUIRE_MESSAGE(raw.exit_code == 0, raw.err);
    std::istringstream in(raw.out);
    std::string line;
    std::vector<std::string> names;
    while (std::getline(in, line)) {
      const Json event = Json::parse(line);
      CHECK(event["type"] == "ADDED");
      names.push_back(event["object"]["metadata"]["name"]);
    }
    CHECK(names.size() == 4);
    CHECK(line_with(incident().request_log(), "watch=true").find("then closed") != std::string::npos);
  }

  TEST_CASE("cli: serve: the request log has one line per request, tables say their reference time")
  {
    const std::string log = incident().request_log();
    CHECK(log.find("GET /api/v1/pods?limit=500 200 ") != std::string::npos);
    CHECK(log.find("AGE as of 2026-11-20T09:12:00Z") != std::string::npos);
    CHECK(line_with(log, "GET /api/v1/namespaces/kube-system/events").find(" 403 ") != std::string::npos);
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      const std::vector<std::string> w = words(line);
      CAPTURE(line);
      // Writes answer 405; only access reviews, which change nothing, are answered.
      const bool review = w.at(1).find("/apis/authorization.k8s.io/v1/selfsubject") == 0;
      CHECK((w.at(0) == "GET" || w.at(2) == (review ? "201" : "405")));
    }
  }
}

TEST_SUITE("serve/cli troubleshoot")
{
  TEST_CASE("cli: serve: a troubleshoot bundle directory: pods, custom resources, logs, refusals")
  {
    const auto pods = kubectl_ts({"get", "pods", "-n", "web", "-o", "wide"});
    REQUIRE_MESSAGE(pods.exit_code == 0, pods.err);
    CHECK(words(line_with(pods.out, "web-0")) ==
          std::vector<std::string>{"web-0", "1/2", "CrashLoopBackOff", "3", "(5m", "ago)", "60m", "10.1.0.5", "n1",
                                   "<none>", "<none>"});
    const auto pools = kubectl_ts({"get", "nodepools"});
    REQUIRE_MESSAGE(pools.exit_code == 0, pools.err);
    CHECK(words(line_with(pools.out, "NAME")) == std::vector<std::string>{"NAME", "NODECLASS", "READY", "AGE"});
    CHECK(words(line_with(pools.out, "workspaces")) == std::vector<std::string>{"workspaces", "default", "True", "7d"});
    CHECK(Json::parse(kubectl_ts({"get", "nodepool", "workspaces", "-o", "json"}).out)["kind"] == "NodePool");
    const std::string pools_resource = line_with(kubectl_ts({"api-resources"}).out, "nodepools");
    CHECK(pools_resource.find("karpenter.sh") != std::string::npos);
    CHECK(pools_resource.find("NodePool") != std::string::npos);

    const auto log = kubectl_ts({"logs", "-n", "web", "web-0", "-c", "app", "--tail=1"});
    CHECK(log.out == "panic: boom\n");
    // kubectl 1.21+ picks the default container (annotation or first); older ones ask for -c.
    if (test::kubectl_minor() >= 21) {
      const auto defaulted = kubectl_ts({"logs", "-n", "web", "web-0"});
      CHECK(defaulted.out == "GET / 200\nGET /healthz 200\npanic: boom\n");
    }
    CHECK(kubectl_ts({"logs", "-n", "web", "web-0", "-c", "sidecar"}).exit_code != 0);

    const auto pvcs = kubectl_ts({"get", "pvc", "-n", "web"});
    CHECK(pvcs.err.find("Error from server (Forbidden): persistentvolumeclaims is forbidden: User \"support\"") != std::string::npos);
    const auto describe = kubectl_ts({"describe", "pod", "-n", "web", "web-0"});
    CHECK(words(line_with(describe.out, "Back-off restarting failed container app")).at(1) == "BackOff");
    const auto nodes = kubectl_ts({"get", "nodes"});
    CHECK(words(line_with(nodes.out, "n1")) == std::vector<std::string>{"n1", "Ready", "worker", "24h", "v1.30.2"});
  }
}

TEST_SUITE("serve/cli troubleshoot")
{
  TEST_CASE("cli: serve: describe shows each kind's events, found by the involvedObject field selectors it sends")
  {
    std::vector<std::pair<std::string, std::string>> kinds = {
      {"deployment", "Deployment"}, {"statefulset", "StatefulSet"}, {"daemonset", "DaemonSet"}, {"service", "Service"}};
    // Older kubectl describes HPAs and PDBs through autoscaling/v2beta2 and policy/v1beta1, which a
    // bundle of a current cluster does not serve.
    if (test::kubectl_minor() >= 23) {
      kinds.emplace_back("hpa", "HorizontalPodAutoscaler");
      kinds.emplace_back("pdb", "PodDisruptionBudget");
    }
    for (const auto& [resource, kind] : kinds) {
      const auto& described_kind = resource; // clang 14 cannot capture a structured binding
      CAPTURE(described_kind);
      const auto described = kubectl_ts({"describe", resource, "-n", "web", "web"});
      REQUIRE_MESSAGE(described.exit_code == 0, described.err);
      CHECK(words(line_with(described.out, kind + "Trouble")).at(1) == kind + "Trouble");
    }
    const auto node = kubectl_ts({"describe", "node", "n1"});
    REQUIRE_MESSAGE(node.exit_code == 0, node.err);
    // kubectl before 1.21 looks node events up by a field set the bundle's event does not match.
    if (test::kubectl_minor() >= 21) {
      CHECK(line_with(node.out, "NodeTrouble").find("something is wrong with Node n1") != std::string::npos);
    }
  }

  TEST_CASE("cli: serve: HPAs, CronJobs and RBAC objects print kubectl's columns, not NAME and AGE")
  {
    const auto hpa = kubectl_ts({"get", "hpa", "-n", "web"});
    REQUIRE_MESSAGE(hpa.exit_code == 0, hpa.err);
    CHECK(words(line_with(hpa.out, "NAME")) ==
          std::vector<std::string>{"NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"});
    CHECK(words(line_with(hpa.out, "Deployment/web")) ==
          std::vector<std::string>{"web", "Deployment/web", "cpu:", "91%/70%", "2", "6", "2", "7d"});

    const auto cronjobs = kubectl_ts({"get", "cronjobs", "-n", "web", "-o", "wide"});
    REQUIRE_MESSAGE(cronjobs.exit_code == 0, cronjobs.err);
    CHECK(words(line_with(cronjobs.out, "NAME")) ==
          std::vector<std::string>{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE",
                                   "CONTAINERS", "IMAGES", "SELECTOR"});
    CHECK(words(line_with(cronjobs.out, "cleanup")) ==
          std::vector<std::string>{"cleanup", "0", "3", "*", "*", "*", "<none>", "False", "0", "7h15m", "7d", "c",
                                   "busybox", "<none>"});

    const auto bindings = kubectl_ts({"get", "rolebindings", "-n", "web", "-o", "wide"});
    REQUIRE_MESSAGE(bindings.exit_code == 0, bindings.err);
    CHECK(words(line_with(bindings.out, "NAME")) ==
          std::vector<std::string>{"NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"});
    CHECK(words(line_with(bindings.out, "web-readers")) ==
          std::vector<std::string>{"web-readers", "ClusterRole/view", "7d", "support", "web/web"});

    const auto roles = kubectl_ts({"get", "clusterroles"});
    REQUIRE_MESSAGE(roles.exit_code == 0, roles.err);
    CHECK(words(line_with(roles.out, "NAME")) == std::vector<std::string>{"NAME", "CREATED", "AT"});
    CHECK(words(line_with(roles.out, "view")) == std::vector<std::string>{"view", "2026-11-01T00:00:00Z"});
  }

  TEST_CASE("cli: serve: an event's source field selects on its reporting component, as the API server's does")
  {
    const auto kubelet = kubectl_ts({"get", "events", "-A", "-o", "name", "--field-selector", "source=kubelet"});
    REQUIRE_MESSAGE(kubelet.exit_code == 0, kubelet.err);
    CHECK(kubelet.out == "event/n1.1\nevent/web-0.1\n");
    const auto others = kubectl_ts(
      {"get", "events", "-n", "web", "-o", "name", "--field-selector", "source!=kubelet,type=Warning,reason!=BackOff"});
    CHECK(count_lines(others.out) == 6);
  }
}

TEST_SUITE("serve/cli manifests")
{
  TEST_CASE("cli: serve: a plain manifest directory: tables, synthesized pods, no logs, no version")
  {
    const TempDir dir;
    write_text(dir / "manifests/app.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: coder, namespace: coder, labels: {app.kubernetes.io/name: coder}}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: coder}}
  template:
    metadata: {labels: {app.kubernetes.io/name: coder}}
    spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.16.1"}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: coder, namespace: coder}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: coder}
  minReplicas: 2
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: coder}
spec: {schedule: "0 3 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}}
)");
    const ServeProcess serve({(dir / "manifests").string()});
    const auto hpa = run_kubectl(serve, {"get", "hpa", "-n", "coder"});
    REQUIRE_MESSAGE(hpa.exit_code == 0, hpa.err);
    CHECK(words(line_with(hpa.out, "Deployment/coder")) ==
          std::vector<std::string>{"coder", "Deployment/coder", "cpu:", "<unknown>/70%", "2", "5", "0", "<unknown>"});
    const auto cronjobs = run_kubectl(serve, {"get", "cj", "-n", "coder"});
    CHECK(words(line_with(cronjobs.out, "cleanup")) ==
          std::vector<std::string>{"cleanup", "0", "3", "*", "*", "*", "<none>", "<unset>", "0", "<none>", "<unknown>"});

    const auto pods = run_kubectl(serve, {"get", "pods", "-n", "coder", "-o", "name"});
    CHECK(pods.out == "pod/coder-planned-0\npod/coder-planned-1\n");
    CHECK(pods.err.find("synthesized from workload templates") != std::string::npos);
    const auto logs = run_kubectl(serve, {"logs", "-n", "coder", "deploy/coder"});
    CHECK(logs.exit_code != 0);
    CHECK(logs.err.find("is not in the bundle") != std::string::npos);
    const auto version = run_kubectl(serve, {"get", "--raw", "/version"});
    CHECK(version.exit_code != 0);
    CHECK(version.err.find("the bundle does not record the cluster's version") != std::string::npos);
    CHECK(run_kubectl(serve, {"auth", "can-i", "list", "deployments", "-n", "coder"}).out == "yes\n");
  }
}

TEST_SUITE("serve/cli lifecycle")
{
  TEST_CASE("cli: serve: prints only the export line, writes a 0600 kubeconfig, removes it on SIGTERM and SIGINT")
  {
    for (const int signal : {SIGTERM, SIGINT}) {
      CAPTURE(signal);
      ServeProcess serve({sample_archive("compliant").string()}, {}, false);
      CHECK(serve.stdout_text() == "export KUBECONFIG=" + serve.kubeconfig() + "\n");
      struct stat st{};
      REQUIRE(::stat(serve.kubeconfig().c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
      const std::string config = read_text(serve.kubeconfig());
      CHECK(config.find("server: http://127.0.0.1:") != std::string::npos);
      if (signal == SIGTERM) {
        CHECK(run_kubectl(serve, {"get", "namespaces", "-o", "name"}).out.find("namespace/coder\n") != std::string::npos);
      }
      const fs::path dir = fs::path(serve.kubeconfig()).parent_path();
      CHECK(serve.stop(signal) == 0);
      CHECK_FALSE(fs::exists(serve.kubeconfig()));
      CHECK_FALSE(fs::exists(dir));
      CHECK(serve.stderr_text().find("AGE columns are relative to that time") != std::string::npos);
    }
  }

  TEST_CASE("cli: serve: faults from CODER_CVA_SERVE_FAULTS reach kubectl")
  {
    TempDir dir;
    ServeProcess serve({sample_archive("incident").string(), "--port", "0"},
                       {"CODER_CVA_SERVE_FAULTS=403:/api/v1/namespaces/coder/pods;500*1:/api/v1/nodes",
                        "CODER_CVA_SERVE_LOG=" + (dir / "log").string()});
    const auto pods = run_kubectl(serve, {"get", "pods", "-n", "coder"});
    CHECK(pods.exit_code != 0);
    CHECK(pods.err.find("Error from server (Forbidden)") != std::string::npos);
    CHECK(pods.err.find("fault injected") != std::string::npos);
    // kubectl retries nothing: the first list fails, the next one succeeds.
    CHECK(run_kubectl(serve, {"get", "nodes"}).exit_code != 0);
    CHECK(run_kubectl(serve, {"get", "nodes"}).exit_code == 0);
    CHECK(line_with(read_text(dir / "log"), "/api/v1/namespaces/coder/pods").find("(fault: 403:/api/v1/namespaces/coder/pods)") !=
          std::string::npos);
  }

  TEST_CASE("cli: serve: bad arguments fail with one line and a usage exit code")
  {
    TempDir dir;
    write_text(dir / "existing", "keep me");
    const auto existing = run_cli({"serve", sample_archive("incident").string(), "--kubeconfig-out", (dir / "existing").string()});
    CHECK(existing.exit_code == 2);
    CHECK(existing.err.find("already exists") != std::string::npos);
    CHECK(read_text(dir / "existing") == "keep me");
    const auto faults = run_cli({"serve", sample_archive("incident").string()}, {}, {"CODER_CVA_SERVE_FAULTS=999:/x"});
    CHECK(faults.exit_code == 2);
    CHECK(faults.err.find("CODER_CVA_SERVE_FAULTS: invalid fault rule '999:/x'") != std::string::npos);
    const auto missing = run_cli({"serve", (dir / "nope.tar.gz").string()});
    CHECK(missing.exit_code == 1);
    CHECK(count_lines(missing.err) == 1);
    CHECK(missing.out.empty());
  }
}
