#include <core/model/coder.hpp>
#include <core/model/snapshot.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

using namespace cva;

namespace {

const char* k_nodes = R"(
- apiVersion: v1
  kind: Node
  metadata:
    name: cp-1
    labels: {eks.amazonaws.com/nodegroup: control, topology.kubernetes.io/zone: us-east-1a, node.kubernetes.io/instance-type: m5.xlarge}
  status: {conditions: [{type: Ready, status: "True"}], capacity: {cpu: "4", memory: 16Gi}}
- apiVersion: v1
  kind: Node
  metadata:
    name: ws-1
    labels: {eks.amazonaws.com/nodegroup: workspaces, topology.kubernetes.io/zone: us-east-1b}
- apiVersion: v1
  kind: Node
  metadata:
    name: kp-1
    labels: {karpenter.sh/nodepool: default}
- apiVersion: v1
  kind: Node
  metadata: {name: bare}
)";

const char* k_ca_status_text = R"(
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cluster-autoscaler-status, namespace: kube-system}
  data:
    status: |
      Cluster-autoscaler status at 2026-11-20 09:11:42 +0000 UTC:
      NodeGroups:
        Name:        eks-workspaces-2ec5a7b1-9f3d-4c1e-8a6b-5d7e0c9b1a24
        Health:      Healthy (ready=3)
)";

const char* k_namespaces = R"(
- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}
- {apiVersion: v1, kind: Namespace, metadata: {name: coder}}
)";

} // namespace

TEST_SUITE("core/snapshot")
{
  TEST_CASE("Coder roles follow the Helm charts and the workspace template")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/pods/coder.json", R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: coder-1, namespace: coder, labels: {app.kubernetes.io/name: coder}}
  spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [server]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: proxy-1, namespace: coder, labels: {app.kubernetes.io/name: coder}, annotations: {app.kubernetes.io/component: wsproxy}}
  spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [wsproxy, server]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: prov-1, namespace: coder, labels: {app.kubernetes.io/name: coder-provisioner}}
  spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [provisionerd, start]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: coder-2, namespace: coder}
  spec: {containers: [{name: server, image: "ghcr.io/coder/coder:v2.18.5"}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: cli-1, namespace: coder}
  spec: {containers: [{name: cli, image: "ghcr.io/coder/coder:v2.18.5", args: [users, list]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: coder}
  spec: {containers: [{name: postgresql, image: "docker.io/bitnami/postgresql:16.2.0"}]}
)"},
                                            {"cluster-resources/pods/ws.json", R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: w1, namespace: ws, labels: {com.coder.workspace.id: abc}}
  spec: {containers: [{name: dev, image: ubuntu}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: w2, namespace: ws, labels: {app: something}}
  spec: {containers: [{name: dev, image: ubuntu, env: [{name: CODER_AGENT_TOKEN, value: x}]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: other, namespace: ws}
  spec: {containers: [{name: web, image: nginx}]}
)"}});
    std::map<std::string, CoderRole> roles;
    for (const Pod& p : s.pods) {
      roles[p.meta.name] = p.role;
      CHECK_MESSAGE((p.role == CoderRole::none) == p.role_reason.empty(), p.meta.name);
    }
    CHECK(roles["coder-1"] == CoderRole::coderd);
    CHECK(roles["coder-2"] == CoderRole::coderd); // the image's entrypoint is `coder server`
    CHECK(roles["cli-1"] == CoderRole::none);
    CHECK(roles["proxy-1"] == CoderRole::workspace_proxy);
    CHECK(roles["prov-1"] == CoderRole::provisioner);
    CHECK(roles["db-0"] == CoderRole::postgres);
    CHECK(roles["w1"] == CoderRole::workspace);
    CHECK(roles["w2"] == CoderRole::workspace);
    CHECK(roles["other"] == CoderRole::none);
    CHECK(s.coder.control_plane_namespaces == std::vector<std::string>{"coder"});
    CHECK(s.coder.workspace_namespaces == std::vector<std::string>{"ws"});
  }

  TEST_CASE("node groups: Cluster Autoscaler groups (text status), Karpenter, and fixed groups")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/nodes.json", k_nodes},
                                            {"cluster-resources/configmaps/kube-system.json", k_ca_status_text},
                                            {"cluster-resources/namespaces.json", k_namespaces}});
    const Node* cp = s.find_node("cp-1");
    REQUIRE(cp != nullptr);
    CHECK(cp->group == "control");
    CHECK(cp->provider == "eks");
    CHECK(cp->zone == "us-east-1a");
    CHECK(cp->instance_type == "m5.xlarge");
    CHECK(cp->cpu_capacity->milli() == 4000);
    CHECK(cp->ready);
    CHECK(cp->autoscaling == Autoscaling::fixed);
    CHECK(s.find_node("ws-1")->autoscaling == Autoscaling::autoscaled);
    CHECK(s.find_node("ws-1")->autoscaling_reason.find("eks-workspaces-") != std::string::npos);
    CHECK(s.find_node("kp-1")->autoscaling == Autoscaling::autoscaled);
    CHECK(s.find_node("kp-1")->provider == "karpenter");
    CHECK(s.find_node("bare")->autoscaling == Autoscaling::unknown);
  }

  TEST_CASE("node groups: the YAML status format of newer Cluster Autoscalers")
  {
    const Snapshot s = test::snapshot_from({{"cluster-resources/nodes.json", k_nodes},
                                            {"cluster-resources/configmaps/kube-system.json", R"(
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cluster-autoscaler-status, namespace: kube-system}
  data:
    status: |
      autoscalerStatus: Running
      nodeGroups:
      - name: eks-control-11111111-2222
        health: {status: Healthy}
)"}});
    CHECK(s.find_node("cp-1")->autoscaling == Autoscaling::autoscaled);
    CHECK(s.find_node("ws-1")->autoscaling == Autoscaling::fixed);
  }

  TEST_CASE("node groups: no autoscaler seen means fixed only when kube-system's ConfigMaps were collected")
  {
    const Snapshot seen = test::snapshot_from({{"cluster-resources/nodes.json", k_nodes},
                                               {"cluster-resources/configmaps/kube-system.json", "[]"},
                                               {"cluster-resources/namespaces.json", k_namespaces}});
    CHECK(seen.find_node("cp-1")->autoscaling == Autoscaling::fixed);
    const Snapshot unseen = test::snapshot_from({{"cluster-resources/nodes.json", k_nodes}});
    CHECK(unseen.find_node("cp-1")->autoscaling == Autoscaling::unknown);
    CHECK(unseen.find_node("cp-1")->autoscaling_reason.find("not collected") != std::string::npos);
    const Snapshot refused = test::snapshot_from(
      {{"cluster-resources/nodes.json", k_nodes},
       {"cluster-resources/configmaps/coder.json", "[]"},
       {"cluster-resources/namespaces.json", k_namespaces},
       {"cluster-resources/configmaps-errors.json", R"({"kube-system": "configmaps is forbidden"})"}});
    CHECK(refused.coverage("configmaps").state == CoverageState::partial);
    CHECK(refused.find_node("cp-1")->autoscaling == Autoscaling::unknown);
  }

  TEST_CASE("owners resolve through ReplicaSets to Deployments")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/deployments/coder.json", R"(
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: coder, namespace: coder}
  spec: {replicas: 3, selector: {matchLabels: {app: c}}, template: {metadata: {labels: {app: c}}, spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2", args: [server]}]}}}
)"},
       {"cluster-resources/replicasets/coder.json", R"(
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: coder-7c9d8f6b4, namespace: coder, ownerReferences: [{kind: Deployment, name: coder, controller: true}]}
  spec: {selector: {matchLabels: {app: c}}}
)"},
       {"cluster-resources/pods/coder.json", R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: coder-7c9d8f6b4-x, namespace: coder, labels: {app: c}, ownerReferences: [{kind: ReplicaSet, name: coder-7c9d8f6b4, controller: true}]}
  spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2", args: [server]}]}
)"}});
    REQUIRE(s.pods.size() == 1);
    CHECK(s.pods[0].workload_kind == "Deployment");
    CHECK(s.pods[0].workload_name == "coder");
    const Workload* w = s.find_workload("Deployment", "coder", "coder");
    REQUIRE(w != nullptr);
    CHECK(w->desired_replicas() == 3);
    CHECK(s.pods_of(*w).size() == 1);
    CHECK(s.coder.coderd_workloads.size() == 1);
  }

  TEST_CASE("effective_env: env beats envFrom; secrets are set but unseen; ConfigMap data resolves")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/configmaps/coder.json", R"(
- {apiVersion: v1, kind: ConfigMap, metadata: {name: coder-env, namespace: coder}, data: {CODER_PROMETHEUS_ENABLE: "true", CODER_PROVISIONER_DAEMONS: "0"}}
)"},
       {"cluster-resources/pods/coder.json", R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: c, namespace: coder}
  spec:
    containers:
    - name: coder
      image: x
      env:
      - {name: CODER_PROVISIONER_DAEMONS, value: "3"}
      - {name: CODER_PG_CONNECTION_URL, valueFrom: {secretKeyRef: {name: coder-db-url, key: url}}}
      envFrom:
      - secretRef: {name: not-collected}
      - configMapRef: {name: coder-env}
)"}});
    // The ConfigMap comes last, so its keys win over anything the unseen Secret may hold.
    const Container& c = s.pods[0].spec.containers[0];
    CHECK(effective_env(s, "coder", c, "CODER_PROVISIONER_DAEMONS")->value == "3");
    const auto prom = effective_env(s, "coder", c, "CODER_PROMETHEUS_ENABLE");
    REQUIRE(prom.has_value());
    CHECK(prom->kind == EnvValue::Kind::literal);
    CHECK(prom->value == "true");
    CHECK(effective_env(s, "coder", c, "CODER_PG_CONNECTION_URL")->kind == EnvValue::Kind::secret);
    // Not in env nor in the collected ConfigMap, but a Secret we could not see might hold it.
    CHECK(effective_env(s, "coder", c, "CODER_ACCESS_URL")->kind == EnvValue::Kind::unseen);
  }

  TEST_CASE("effective_env: a Secret collected as metadata only may hold any variable; one with known keys only those")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/secrets/coder.json", R"(
- {apiVersion: v1, kind: Secret, metadata: {name: metadata-only, namespace: coder}}
- {apiVersion: v1, kind: Secret, metadata: {name: with-keys, namespace: coder, annotations: {coder-cva.coder.com/keys: "CODER_OIDC_CLIENT_SECRET"}}}
)"},
       {"cluster-resources/pods/coder.json", R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: c, namespace: coder}
  spec:
    containers:
    - name: coder
      image: x
      envFrom:
      - secretRef: {name: with-keys}
    - name: other
      image: x
      envFrom:
      - secretRef: {name: metadata-only}
)"}});
    const Container& keyed = s.pods[0].spec.containers[0];
    CHECK(effective_env(s, "coder", keyed, "CODER_OIDC_CLIENT_SECRET")->kind == EnvValue::Kind::secret);
    CHECK_FALSE(effective_env(s, "coder", keyed, "CODER_PG_CONNECTION_URL").has_value());
    // What collect writes for a real cluster: no keys, so the URL may well be set.
    const auto url = effective_env(s, "coder", s.pods[0].spec.containers[1], "CODER_PG_CONNECTION_URL");
    REQUIRE(url.has_value());
    CHECK(url->kind == EnvValue::Kind::unseen);
  }

  TEST_CASE("typed storage objects")
  {
    const Snapshot s = test::snapshot_from(
      {{"cluster-resources/storage-classes.json", R"(
- {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: gp3, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}, provisioner: ebs.csi.aws.com, volumeBindingMode: WaitForFirstConsumer}
- {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: local}, provisioner: kubernetes.io/no-provisioner}
)"},
       {"cluster-resources/pvcs/ws.json", R"(
- {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: home, namespace: ws}, spec: {volumeName: pv-1, resources: {requests: {storage: 10Gi}}}, status: {phase: Bound}}
)"},
       {"cluster-resources/pvs.json", R"(
- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv-1}, spec: {csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}, capacity: {storage: 10Gi}, claimRef: {namespace: ws, name: home}}, status: {phase: Bound}}
)"}});
    REQUIRE(s.default_storage_class() != nullptr);
    CHECK(s.default_storage_class()->meta.name == "gp3");
    CHECK(s.find_storage_class("gp3")->binding_mode == "WaitForFirstConsumer");
    CHECK(s.find_storage_class("local")->binding_mode == "Immediate");
    const PersistentVolumeClaim* pvc = s.find_pvc("ws", "home");
    REQUIRE(pvc != nullptr);
    CHECK_FALSE(pvc->storage_class.has_value());
    CHECK(pvc->request->value() == 10LL << 30);
    const PersistentVolume* pv = s.find_pv("pv-1");
    REQUIRE(pv != nullptr);
    CHECK(pv->type == "csi");
    CHECK(pv->csi_driver == "ebs.csi.aws.com");
    CHECK(pv->source.pointer == "/items/0");
  }
}
