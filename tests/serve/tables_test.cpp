#include <core/bundle/resources.hpp>
#include <core/serve/tables.hpp>
#include <core/util/time.hpp>
#include <core/util/yaml.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::serve;

namespace {

const std::int64_t k_now = *parse_rfc3339("2026-11-20T09:12:00Z");

Json yaml(const std::string& text)
{
  auto docs = parse_yaml_documents(text, "<test>");
  REQUIRE(docs.has_value());
  REQUIRE(docs->size() == 1);
  return (*docs)[0];
}

Json table_of(std::string_view plural, std::string_view group, const Json& object)
{
  const ResourceType* type = find_builtin_type(plural, group);
  REQUIRE(type != nullptr);
  return render_table(*type, {&object}, TableOptions{k_now, "Metadata", nullptr});
}

Json cells_of(std::string_view plural, std::string_view group, const Json& object)
{
  return table_of(plural, group, object)["rows"][0]["cells"];
}

std::vector<std::string> column_names(const Json& table, int priority)
{
  std::vector<std::string> out;
  for (const Json& c : table["columnDefinitions"]) {
    if (c["priority"] == priority) {
      out.push_back(c["name"]);
    }
  }
  return out;
}

} // namespace

TEST_SUITE("serve/tables")
{
  TEST_CASE("human durations follow kubectl's rounding")
  {
    CHECK(human_duration(-5) == "<invalid>");
    CHECK(human_duration(-1) == "0s");
    CHECK(human_duration(59) == "59s");
    CHECK(human_duration(119) == "119s");
    CHECK(human_duration(5 * 60 + 30) == "5m30s");
    CHECK(human_duration(9 * 60) == "9m");
    CHECK(human_duration(150 * 60) == "150m");
    CHECK(human_duration(3 * 3600 + 12 * 60) == "3h12m");
    CHECK(human_duration(10 * 3600) == "10h");
    CHECK(human_duration(2 * 86400 + 4 * 3600) == "2d4h");
    CHECK(human_duration(400 * 86400) == "400d");
    CHECK(human_duration((2 * 365 + 30) * 86400) == "2y30d");
    CHECK(human_duration(9LL * 365 * 86400) == "9y");
    CHECK(age_since("2026-11-20T09:02:41Z", k_now) == "9m19s");
    CHECK(age_since("", k_now) == "<unknown>");
  }

  TEST_CASE("pods: READY, STATUS and RESTARTS as kubectl computes them, wide columns at priority 1")
  {
    const Json crashing = yaml(R"(
metadata: {name: web-0, namespace: web, creationTimestamp: '2026-11-20T08:12:00Z'}
spec:
  nodeName: node-1
  containers: [{name: app}, {name: sidecar}]
status:
  phase: Running
  podIPs: [{ip: 10.0.0.7}]
  containerStatuses:
  - {name: app, ready: false, restartCount: 3, state: {waiting: {reason: CrashLoopBackOff}},
     lastState: {terminated: {exitCode: 1, finishedAt: '2026-11-20T09:07:00Z'}}}
  - {name: sidecar, ready: true, restartCount: 1, state: {running: {}}}
)");
    const Json table = table_of("pods", "", crashing);
    CHECK(column_names(table, 0) == std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age"});
    CHECK(column_names(table, 1) == std::vector<std::string>{"IP", "Node", "Nominated Node", "Readiness Gates"});
    CHECK(table["rows"][0]["cells"] ==
          Json::array({"web-0", "1/2", "CrashLoopBackOff", "4 (5m ago)", "60m", "10.0.0.7", "node-1", "<none>", "<none>"}));
    CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
    CHECK(table["rows"][0]["object"]["metadata"]["namespace"] == "web");

    const Json initializing = yaml(R"(
metadata: {name: p}
spec: {initContainers: [{name: a}, {name: b}], containers: [{name: c}]}
status:
  phase: Pending
  initContainerStatuses:
  - {name: a, state: {terminated: {exitCode: 0}}}
  - {name: b, state: {running: {}}}
)");
    CHECK(cells_of("pods", "", initializing)[2] == "Init:1/2");

    const Json init_failed = yaml(R"(
metadata: {name: p}
spec: {initContainers: [{name: a}], containers: [{name: c}]}
status: {phase: Pending, initContainerStatuses: [{name: a, state: {terminated: {exitCode: 2}}}]}
)");
    CHECK(cells_of("pods", "", init_failed)[2] == "Init:ExitCode:2");

    const Json terminating = yaml(R"(
metadata: {name: p, deletionTimestamp: '2026-11-20T09:00:00Z'}
spec: {containers: [{name: c}]}
status: {phase: Running, containerStatuses: [{name: c, ready: true, state: {running: {}}}]}
)");
    CHECK(cells_of("pods", "", terminating)[2] == "Terminating");

    const Json oom = yaml(R"(
metadata: {name: p}
spec: {containers: [{name: c}]}
status: {phase: Running, containerStatuses: [{name: c, restartCount: 1, state: {terminated: {reason: OOMKilled, exitCode: 137}}}]}
)");
    CHECK(cells_of("pods", "", oom)[2] == "OOMKilled");
    CHECK(cells_of("pods", "", oom)[3] == "1");
  }

  TEST_CASE("nodes: status, roles from labels, addresses and versions")
  {
    const Json node = yaml(R"(
metadata:
  name: n1
  creationTimestamp: '2026-11-10T09:12:00Z'
  labels: {node-role.kubernetes.io/control-plane: '', kubernetes.io/role: coder, other: x}
spec: {unschedulable: true}
status:
  conditions: [{type: MemoryPressure, status: 'False'}, {type: Ready, status: 'False'}]
  addresses: [{type: InternalIP, address: 10.0.0.1}, {type: Hostname, address: n1}]
  nodeInfo: {kubeletVersion: v1.29.6, osImage: Bottlerocket, kernelVersion: '6.1', containerRuntimeVersion: containerd://1.7}
)");
    CHECK(cells_of("nodes", "", node) ==
          Json::array({"n1", "NotReady,SchedulingDisabled", "coder,control-plane", "10d", "v1.29.6", "10.0.0.1",
                       "<none>", "Bottlerocket", "6.1", "containerd://1.7"}));
  }

  TEST_CASE("storage: PVCs, PVs, StorageClasses and CSIDrivers")
  {
    const Json pvc = yaml(R"(
metadata: {name: home, creationTimestamp: '2026-11-19T09:12:00Z'}
spec: {volumeName: pv-1, storageClassName: gp3}
status: {phase: Bound, accessModes: [ReadWriteMany, ReadWriteOnce], capacity: {storage: 10Gi}}
)");
    CHECK(cells_of("persistentvolumeclaims", "", pvc) ==
          Json::array({"home", "Bound", "pv-1", "10Gi", "RWO,RWX", "gp3", "<unset>", "24h", "<unset>"}));
    const Json pending = yaml("{metadata: {name: p}, spec: {storageClassName: gp2}, status: {phase: Pending}}");
    CHECK(cells_of("persistentvolumeclaims", "", pending)[3] == "");

    const Json pv = yaml(R"(
metadata: {name: pv-1}
spec: {capacity: {storage: 8Gi}, accessModes: [ReadWriteOnce], persistentVolumeReclaimPolicy: Delete,
       claimRef: {namespace: coder, name: data}, storageClassName: local-path, volumeMode: Filesystem}
status: {phase: Bound}
)");
    CHECK(cells_of("persistentvolumes", "", pv) ==
          Json::array({"pv-1", "8Gi", "RWO", "Delete", "Bound", "coder/data", "local-path", "<unset>", "",
                       "<unknown>", "Filesystem"}));

    const Json sc = yaml(R"(
metadata: {name: gp2, annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}
provisioner: kubernetes.io/aws-ebs
)");
    CHECK(cells_of("storageclasses", "storage.k8s.io", sc) ==
          Json::array({"gp2 (default)", "kubernetes.io/aws-ebs", "Delete", "Immediate", false, "<unknown>"}));

    const Json driver = yaml("{metadata: {name: ebs.csi.aws.com}, spec: {volumeLifecycleModes: [Persistent]}}");
    CHECK(cells_of("csidrivers", "storage.k8s.io", driver) ==
          Json::array({"ebs.csi.aws.com", true, false, false, "<unset>", false, "Persistent", "<unknown>"}));
  }

  TEST_CASE("network and workloads: services, policies, deployments, statefulsets, daemonsets")
  {
    const Json svc = yaml(R"(
metadata: {name: coder}
spec: {type: LoadBalancer, clusterIPs: [172.20.0.5], ports: [{port: 80, nodePort: 31742, protocol: TCP}],
       selector: {app: coder, tier: web}}
status: {loadBalancer: {ingress: [{hostname: lb.example.com}]}}
)");
    CHECK(cells_of("services", "", svc) ==
          Json::array({"coder", "LoadBalancer", "172.20.0.5", "lb.example.com", "80:31742/TCP", "<unknown>",
                       "app=coder,tier=web"}));

    const Json np = yaml(R"(
metadata: {name: deny}
spec: {podSelector: {matchLabels: {b: '2'}, matchExpressions: [{key: a, operator: In, values: [y, x]}, {key: c, operator: DoesNotExist}]}}
)");
    CHECK(cells_of("networkpolicies", "networking.k8s.io", np)[1] == "a in (x,y),b=2,!c");
    CHECK(cells_of("networkpolicies", "networking.k8s.io", yaml("{metadata: {name: all}, spec: {podSelector: {}}}"))[1] ==
          "<none>");

    const Json deploy = yaml(R"(
metadata: {name: coder}
spec:
  replicas: 3
  selector: {matchLabels: {app: coder}}
  template: {spec: {containers: [{name: coder, image: 'ghcr.io/coder/coder:v2'}, {name: proxy, image: envoy}]}}
status: {readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2}
)");
    const Json deploy_table = table_of("deployments", "apps", deploy);
    CHECK(column_names(deploy_table, 0) == std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age"});
    CHECK(deploy_table["rows"][0]["cells"] ==
          Json::array({"coder", "2/3", 3, 2, "<unknown>", "coder,proxy", "ghcr.io/coder/coder:v2,envoy", "app=coder"}));

    const Json sts = yaml("{metadata: {name: db}, spec: {replicas: 1, template: {spec: {containers: [{name: pg, image: pg}]}}}, status: {readyReplicas: 0}}");
    CHECK(cells_of("statefulsets", "apps", sts) == Json::array({"db", "0/1", "<unknown>", "pg", "pg"}));

    const Json ds = yaml(R"(
metadata: {name: node-agent}
spec: {selector: {matchLabels: {app: a}}, template: {spec: {nodeSelector: {kubernetes.io/os: linux}, containers: [{name: a, image: a:1}]}}}
status: {desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2}
)");
    CHECK(cells_of("daemonsets", "apps", ds) ==
          Json::array({"node-agent", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "<unknown>", "a", "a:1", "app=a"}));
  }

  TEST_CASE("events and namespaces")
  {
    const Json ev = yaml(R"(
metadata: {name: coder-0.17f9}
involvedObject: {kind: Pod, name: coder-0, fieldPath: 'spec.containers{coder}'}
reason: BackOff
message: ' Back-off restarting failed container '
source: {component: kubelet, host: node-1}
firstTimestamp: '2026-11-20T08:41:17Z'
lastTimestamp: '2026-11-20T09:11:00Z'
count: 6
type: Warning
)");
    const Json ev_table = table_of("events", "", ev);
    CHECK(column_names(ev_table, 0) == std::vector<std::string>{"Last Seen", "Type", "Reason", "Object", "Message"});
    CHECK(ev_table["rows"][0]["cells"] ==
          Json::array({"60s", "Warning", "BackOff", "pod/coder-0", "spec.containers{coder}", "kubelet, node-1",
                       "Back-off restarting failed container", "30m", 6, "coder-0.17f9"}));

    CHECK(cells_of("namespaces", "", yaml("{metadata: {name: coder}, status: {phase: Active}}")) ==
          Json::array({"coder", "Active", "<unknown>"}));
  }

  TEST_CASE("every built-in kind gets kubectl's columns: autoscaling, batch, RBAC, discovery, scheduling, storage")
  {
    // NAME and AGE alone is what the API server prints only for custom resources without columns.
    const Json empty = yaml("{metadata: {name: x}}");
    for (const ResourceType& type : builtin_resource_types()) {
      const Json table = render_table(type, {&empty}, TableOptions{k_now, "None", nullptr});
      CAPTURE(type.qualified_name());
      CHECK(column_names(table, 0) != std::vector<std::string>{"Name", "Age"});
      CHECK(table["rows"][0]["cells"].size() == table["columnDefinitions"].size());
    }

    const Json hpa = yaml(R"(
metadata: {name: coder, creationTimestamp: '2026-11-20T09:11:00Z'}
spec:
  scaleTargetRef: {kind: Deployment, name: coder}
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}
  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 2Gi}}}
  - {type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: '10'}}}
status:
  currentReplicas: 3
  currentMetrics:
  - {type: Resource, resource: {name: cpu, current: {averageUtilization: 45, averageValue: 300m}}}
)");
    CHECK(column_names(table_of("horizontalpodautoscalers", "autoscaling", hpa), 0) ==
          std::vector<std::string>{"Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"});
    CHECK(cells_of("horizontalpodautoscalers", "autoscaling", hpa) ==
          Json::array({"coder", "Deployment/coder", "cpu: 45%/80%, memory: <unknown>/2Gi + 1 more...", "2", 5, 3, "60s"}));
    CHECK(cells_of("horizontalpodautoscalers", "autoscaling", yaml("{metadata: {name: h}, spec: {maxReplicas: 3}}")) ==
          Json::array({"h", "/", "<none>", "<unset>", 3, 0, "<unknown>"}));

    const Json cj = yaml(R"(
metadata: {name: cleanup, creationTimestamp: '2026-11-19T09:12:00Z'}
spec: {schedule: '0 3 * * *', suspend: false, jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: busybox}]}}}}}
status: {active: [{name: cleanup-1}], lastScheduleTime: '2026-11-20T03:00:00Z'}
)");
    CHECK(cells_of("cronjobs", "batch", cj) ==
          Json::array({"cleanup", "0 3 * * *", "<none>", "False", 1, "6h12m", "24h", "c", "busybox", "<none>"}));

    const Json rb = yaml(R"(
metadata: {name: coder, namespace: coder}
roleRef: {kind: Role, name: coder-workspace-perms}
subjects: [{kind: ServiceAccount, name: coder, namespace: coder}, {kind: User, name: alice}, {kind: Group, name: devs}]
)");
    CHECK(column_names(table_of("rolebindings", "rbac.authorization.k8s.io", rb), 1) ==
          std::vector<std::string>{"Users", "Groups", "ServiceAccounts"});
    CHECK(cells_of("rolebindings", "rbac.authorization.k8s.io", rb) ==
          Json::array({"coder", "Role/coder-workspace-perms", "<unknown>", "alice", "devs", "coder/coder"}));

    const Json role = yaml("{metadata: {name: r, creationTimestamp: '2026-11-20T09:11:00Z'}}");
    const Json role_table = table_of("clusterroles", "rbac.authorization.k8s.io", role);
    CHECK(column_names(role_table, 0) == std::vector<std::string>{"Name", "Created At"});
    CHECK(role_table["columnDefinitions"][1]["type"] == "date");
    CHECK(role_table["rows"][0]["cells"] == Json::array({"r", "2026-11-20T09:11:00Z"}));

    const Json slice = yaml(R"(
metadata: {name: coder-abcde}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints: [{addresses: [10.0.0.1]}, {addresses: [10.0.0.2]}, {addresses: [10.0.0.3]}, {addresses: [10.0.0.4]}]
)");
    CHECK(cells_of("endpointslices", "discovery.k8s.io", slice) ==
          Json::array({"coder-abcde", "IPv4", "8080", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "<unknown>"}));

    const Json quota = yaml(R"(
metadata: {name: q}
status: {hard: {limits.cpu: '8', requests.cpu: '4', pods: '10'}, used: {limits.cpu: '2', requests.cpu: 500m}}
)");
    CHECK(cells_of("resourcequotas", "", quota) ==
          Json::array({"q", "<unknown>", "pods: 0/10, requests.cpu: 500m/4", "limits.cpu: 2/8"}));

    // Secrets (and metadata-only ConfigMaps) are collected without values; their key names are kept
    // in an annotation, and DATA counts them as the cluster did.
    CHECK(cells_of("secrets", "",
                   yaml("{metadata: {name: s, annotations: {coder-cva.coder.com/keys: 'url,password'}}, type: Opaque}")) ==
          Json::array({"s", "Opaque", 2, "<unknown>"}));
    CHECK(cells_of("secrets", "", yaml("{metadata: {name: s}, type: Opaque, data: {a: YQ==}}")) ==
          Json::array({"s", "Opaque", 1, "<unknown>"}));
    CHECK(cells_of("configmaps", "", yaml("{metadata: {name: c, annotations: {coder-cva.coder.com/keys: k}}}")) ==
          Json::array({"c", 1, "<unknown>"}));
    CHECK(cells_of("leases", "coordination.k8s.io", yaml("{metadata: {name: l}, spec: {holderIdentity: coder-0}}")) ==
          Json::array({"l", "coder-0", "<unknown>"}));
    CHECK(cells_of("priorityclasses", "scheduling.k8s.io",
                   yaml("{metadata: {name: high}, value: 1000, globalDefault: false, preemptionPolicy: Never}")) ==
          Json::array({"high", 1000, false, "<unknown>", "Never"}));
    CHECK(cells_of("ingressclasses", "networking.k8s.io",
                   yaml("{metadata: {name: nginx}, spec: {controller: k8s.io/ingress-nginx}}")) ==
          Json::array({"nginx", "k8s.io/ingress-nginx", "<none>", "<unknown>"}));
    CHECK(cells_of("volumeattachments", "storage.k8s.io",
                   yaml("{metadata: {name: va}, spec: {attacher: ebs.csi.aws.com, nodeName: n1, source: {persistentVolumeName: pv1}}, status: {attached: true}}")) ==
          Json::array({"va", "ebs.csi.aws.com", "pv1", "n1", true, "<unknown>"}));
  }

  TEST_CASE("custom resources use their CRD's printer columns, dates as ages")
  {
    ResourceType type{"NodePool", "nodepools", "karpenter.sh", "v1", false, "custom-resources/nodepools.karpenter.sh", {}};
    const Json columns = yaml(R"(
- {name: NodeClass, type: string, jsonPath: .spec.template.spec.nodeClassRef.name}
- {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
- {name: First, type: string, jsonPath: '.spec.limits[0]', priority: 1}
- {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
)");
    const Json pool = yaml(R"(
metadata: {name: workspaces, creationTimestamp: '2026-11-13T09:12:00Z'}
spec: {template: {spec: {nodeClassRef: {name: default}}}, limits: [cpu]}
status: {conditions: [{type: Initialized, status: 'True'}, {type: Ready, status: 'False'}]}
)");
    const Json table = render_table(type, {&pool}, TableOptions{k_now, "None", &columns});
    CHECK(column_names(table, 0) == std::vector<std::string>{"Name", "NodeClass", "Ready", "Age"});
    CHECK(table["rows"][0]["cells"] == Json::array({"workspaces", "default", "False", "cpu", "7d"}));
    CHECK_FALSE(table["rows"][0].contains("object"));
    const Json plain = render_table(type, {&pool}, TableOptions{k_now, "Object", nullptr});
    CHECK(plain["rows"][0]["cells"] == Json::array({"workspaces", "7d"}));
    CHECK(plain["rows"][0]["object"]["spec"]["limits"][0] == "cpu");
  }
}
