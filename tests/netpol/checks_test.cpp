// The network checks: on both sample clusters (firing, healthy, unknown when policies are
// forbidden or absent), after applying the fix a finding proposes, and on small clusters for the
// cases the samples do not cover.
#include "netpol_fixture.hpp"

#include <core/bundle/input.hpp>

#include <doctest/doctest.h>

#include <map>

using namespace cva;
using cva::test::run_check;

namespace {

const std::vector<std::string> k_path_checks = {
  "network-workspaces-to-coderd", "network-coderd-to-postgres", "network-coderd-egress",
  "network-ingress-to-coderd",    "network-dns",                "network-coderd-relay",
  "network-provisioners-to-coderd", "network-workspace-ingress",
};

LoadedInput load_sample(const std::string& name)
{
  auto input = load_inputs({test::sample_archive(name).string()});
  REQUIRE_MESSAGE(input.has_value(), (input ? "" : input.error().message));
  return std::move(*input);
}

Snapshot build(LoadedInput input)
{
  auto snapshot = Snapshot::build(std::move(input));
  REQUIRE_MESSAGE(snapshot.has_value(), (snapshot ? "" : snapshot.error().message));
  return std::move(*snapshot);
}

void erase_prefix(Bundle& bundle, std::string_view prefix)
{
  for (const std::string& path : bundle.list(prefix)) {
    bundle.erase(path);
  }
}

std::string all_messages(const CheckResult& r)
{
  std::string out;
  for (const Finding& f : r.findings) {
    out += f.message + "\n";
  }
  return out;
}

// The JSON patch inside a finding's `kubectl patch ... -p '<patch>'`.
Json patch_in(const std::string& message)
{
  const auto start = message.find("-p '");
  REQUIRE(start != std::string::npos);
  const auto end = message.find('\'', start + 4);
  REQUIRE(end != std::string::npos);
  return Json::parse(message.substr(start + 4, end - start - 4));
}

constexpr std::string_view k_pg_url = "postgres://coder:hunter2@db.example.com:5432/coder?sslmode=require";

// A Coder install as manifests: coderd (3 replicas, PostgreSQL at `pg_url`, none when empty), its
// Service, kube-dns, one workspace, plus `extra`.
std::string coder_cluster(const std::string& extra, std::string_view pg_url = k_pg_url)
{
  const std::string env = pg_url.empty() ? std::string("[]")
                                         : fmt::format("[{{name: CODER_PG_CONNECTION_URL, value: '{}'}}]", pg_url);
  return test::namespace_yaml("coder") + test::namespace_yaml("coder-workspaces") + test::namespace_yaml("kube-system") +
         test::namespace_yaml("ingress-nginx") + R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coder, namespace: coder, labels: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}}
  template:
    metadata: {labels: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}}
    spec:
      containers:
      - name: coder
        image: ghcr.io/coder/coder:v2.18.5
        args: [server]
        env: )" + env + R"(
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: coder, namespace: coder}
spec: {type: ClusterIP, selector: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP, targetPort: 53}, {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}]}
)" + test::pod_yaml("kube-system", "coredns-1", "{k8s-app: kube-dns}", "10.0.9.1") +
         test::pod_yaml("coder-workspaces", "ws-1", "{app.kubernetes.io/name: coder-workspace, com.coder.workspace.id: w1}",
                        "10.0.5.1") +
         extra;
}

std::string policy(const std::string& ns, const std::string& name, const std::string& spec)
{
  return fmt::format("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {}\n  "
                     "namespace: {}\nspec: {}\n",
                     name, ns, spec);
}

std::string daemonset(const std::string& name, const std::string& containers)
{
  return fmt::format("---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: {}, namespace: kube-system}}\n"
                     "spec: {{selector: {{matchLabels: {{k8s-app: {}}}}}, template: {{metadata: {{labels: {{k8s-app: {}}}}}, "
                     "spec: {{containers: {}}}}}}}\n",
                     name, name, name, containers);
}

} // namespace

TEST_SUITE("netpol/checks")
{
  TEST_CASE("the incident sample: workspaces cannot reach coderd or DNS, coderd cannot reach git hosts, and nothing enforces the policies")
  {
    const Snapshot s = build(load_sample("incident"));
    const std::map<std::string, Outcome> expected = {
      {"network-workspaces-to-coderd", Outcome::fail}, {"network-dns", Outcome::fail},
      {"network-policy-enforcement", Outcome::warn},   {"network-workspace-ingress", Outcome::warn},
      {"network-coderd-relay", Outcome::info},         {"network-coderd-egress", Outcome::fail},
      {"network-coderd-to-postgres", Outcome::pass},   {"network-ingress-to-coderd", Outcome::pass},
      {"network-provisioners-to-coderd", Outcome::pass}, {"network-extended-policies", Outcome::pass},
    };
    for (const auto& [id, outcome] : expected) {
      const auto& check_id = id; // clang 14 cannot capture a structured binding
      CAPTURE(check_id);
      const CheckResult r = run_check(s, id);
      CAPTURE(all_messages(r));
      CHECK(r.outcome == outcome);
    }
    const CheckResult ws = run_check(s, "network-workspaces-to-coderd");
    REQUIRE(ws.findings.size() == 1);
    const Finding& f = ws.findings[0];
    CHECK(f.message.find("4 workspace pods in namespace coder-workspaces") != std::string::npos);
    CHECK(f.message.find("coderd (Service coder/coder) on 80/TCP") != std::string::npos);
    CHECK(f.message.find("isolated by NetworkPolicy coder-workspaces/default-deny-egress") != std::string::npos);
    CHECK(f.message.find("kubectl -n coder-workspaces patch networkpolicy default-deny-egress") != std::string::npos);
    CHECK(f.message.find("is not enforced") != std::string::npos);
    REQUIRE_FALSE(f.evidence.empty());
    CHECK(f.evidence[0].path == "cluster-resources/network-policy/coder-workspaces.json");
    CHECK(f.evidence[0].pointer == "/items/0/spec/policyTypes");
    const bool names_policy = std::any_of(f.objects.begin(), f.objects.end(), [](const ObjectRef& o) {
      return o.kind == "NetworkPolicy" && o.name == "default-deny-egress";
    });
    CHECK(names_policy);
  }

  TEST_CASE("the compliant sample passes every network check")
  {
    const Snapshot s = build(load_sample("compliant"));
    for (const std::string& id : k_path_checks) {
      CAPTURE(id);
      const CheckResult r = run_check(s, id);
      CAPTURE(all_messages(r));
      CHECK(r.outcome == Outcome::pass);
    }
    CHECK(run_check(s, "network-policy-enforcement").outcome == Outcome::pass);
    CHECK(run_check(s, "network-extended-policies").outcome == Outcome::pass);
    const CheckResult ingress = run_check(s, "network-ingress-to-coderd");
    CHECK(all_messages(ingress).find("2 ingress controller pods in namespace ingress-nginx") != std::string::npos);
  }

  TEST_CASE("the change a finding proposes opens the path")
  {
    LoadedInput input = load_sample("incident");
    const Snapshot before = build(load_sample("incident"));
    for (const std::string& id : {std::string("network-workspaces-to-coderd"), std::string("network-dns")}) {
      CAPTURE(id);
      const CheckResult r = run_check(before, id);
      REQUIRE(r.outcome == Outcome::fail);
      const Finding& blocked = *std::find_if(r.findings.begin(), r.findings.end(),
                                             [](const Finding& f) { return f.outcome == Outcome::fail; });
      const std::string path = "cluster-resources/network-policy/coder-workspaces.json";
      Json list = Json::parse(*input.bundle.get(path));
      const Json patch = patch_in(blocked.message);
      // Both fixes add to the same policy: the second appends to the list the first created.
      Json& object = list["items"][0];
      Json adjusted = patch;
      if (object["spec"].contains("egress") && adjusted[0]["path"] == "/spec/egress") {
        adjusted[0]["path"] = "/spec/egress/-";
        adjusted[0]["value"] = adjusted[0]["value"][0];
      }
      object = object.patch(adjusted);
      input.bundle.put(path, list.dump());
    }
    const Snapshot after = build(std::move(input));
    CHECK(run_check(after, "network-workspaces-to-coderd").outcome == Outcome::pass);
    CHECK(run_check(after, "network-dns").outcome == Outcome::pass);
  }

  TEST_CASE("path checks are unknown when NetworkPolicies were forbidden or not collected")
  {
    for (const bool forbidden : {true, false}) {
      CAPTURE(forbidden);
      LoadedInput input = load_sample("compliant");
      erase_prefix(input.bundle, "cluster-resources/network-policy");
      if (forbidden) {
        input.bundle.put("cluster-resources/network-policy-errors.json",
                         R"(["networkpolicies.networking.k8s.io is forbidden: User \"dev\" cannot list resource \"networkpolicies\""])");
      }
      const Snapshot s = build(std::move(input));
      CHECK_FALSE(s.coverage("networkpolicies").usable());
      for (const std::string& id : k_path_checks) {
        CAPTURE(id);
        CHECK(run_check(s, id).outcome == Outcome::unknown);
      }
      CHECK(run_check(s, "network-policy-enforcement").outcome == Outcome::unknown);
    }
  }

  TEST_CASE("Cilium policies turn passes into unknown: namespaced ones for their namespace, cluster-wide ones everywhere")
  {
    LoadedInput input = load_sample("compliant");
    input.bundle.put("cluster-resources/custom-resources/ciliumnetworkpolicies.cilium.io/coder.json",
                     R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"l7","namespace":"coder"},"spec":{}}]})");
    const Snapshot s = build(std::move(input));
    const CheckResult extended = run_check(s, "network-extended-policies");
    CHECK(extended.outcome == Outcome::info);
    CHECK(all_messages(extended).find("1 CiliumNetworkPolicy (coder/l7)") != std::string::npos);
    const CheckResult ws = run_check(s, "network-workspaces-to-coderd");
    CHECK(ws.outcome == Outcome::unknown);
    CHECK(all_messages(ws).find("CiliumNetworkPolicy coder/l7 could change this path") != std::string::npos);
    CHECK(run_check(s, "network-workspace-ingress").outcome == Outcome::pass); // coder-workspaces is untouched

    LoadedInput wide = load_sample("compliant");
    wide.bundle.put("cluster-resources/custom-resources/ciliumclusterwidenetworkpolicies.cilium.io.json",
                    R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"cilium.io/v2","kind":"CiliumClusterwideNetworkPolicy","metadata":{"name":"global"},"spec":{}}]})");
    const Snapshot w = build(std::move(wide));
    for (const std::string& id : k_path_checks) {
      CAPTURE(id);
      CHECK(run_check(w, id).outcome == Outcome::unknown);
    }
  }

  TEST_CASE("an agent that applies extended policies whose objects were not collected makes paths unknown")
  {
    LoadedInput input = load_sample("compliant");
    const std::string path = "cluster-resources/daemonsets/kube-system.json";
    Json list = Json::parse(*input.bundle.get(path));
    list["items"].push_back(Json::parse(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"cilium","namespace":"kube-system"},
      "spec":{"selector":{"matchLabels":{"k8s-app":"cilium"}},"template":{"metadata":{"labels":{"k8s-app":"cilium"}},
      "spec":{"containers":[{"name":"cilium-agent","image":"quay.io/cilium/cilium:v1.15.6"}]}}}})"));
    input.bundle.put(path, list.dump());
    const Snapshot s = build(std::move(input));
    const CheckResult extended = run_check(s, "network-extended-policies");
    CHECK(extended.outcome == Outcome::unknown);
    CHECK(all_messages(extended).find("Cilium runs but its CiliumNetworkPolicy objects were not in the input") !=
          std::string::npos);
    CHECK(run_check(s, "network-workspaces-to-coderd").outcome == Outcome::unknown);
    CHECK(run_check(s, "network-policy-enforcement").outcome == Outcome::pass);
  }

  TEST_CASE("network plugins: which enforce NetworkPolicy")
  {
    const std::string np = policy("coder-workspaces", "deny", "{podSelector: {}}");
    const std::map<std::string, Outcome> cases = {
      {daemonset("calico-node", "[{name: calico-node, image: docker.io/calico/node:v3.27.0}]"), Outcome::pass},
      {daemonset("kube-flannel-ds", "[{name: kube-flannel, image: docker.io/flannel/flannel:v0.24.0}]"), Outcome::warn},
      {daemonset("aws-node", "[{name: aws-node, image: amazon-k8s-cni:v1.18.1}]"), Outcome::warn},
      {daemonset("aws-node", "[{name: aws-node, image: amazon-k8s-cni:v1.18.1}, {name: aws-eks-nodeagent, image: x, args: [--enable-network-policy=false]}]"), Outcome::warn},
      {daemonset("aws-node", "[{name: aws-node, image: amazon-k8s-cni:v1.18.1}, {name: aws-eks-nodeagent, image: x, args: [--enable-network-policy=true]}]"), Outcome::pass},
      {daemonset("kube-flannel-ds", "[{name: kube-flannel, image: flannel}]") + daemonset("canal", "[{name: calico-node, image: calico/node:v3}]"), Outcome::pass},
      {daemonset("kube-router", "[{name: kube-router, image: cloudnativelabs/kube-router, args: [--run-firewall=false]}]"), Outcome::warn},
      {daemonset("anetd", "[{name: cilium-agent, image: gke.gcr.io/cilium/cilium:v1}]"), Outcome::pass},
      {daemonset("weave-net", "[{name: weave, image: weaveworks/weave-kube:2.8.1}]"), Outcome::warn},
      {daemonset("node-exporter", "[{name: node-exporter, image: prom/node-exporter}]"), Outcome::unknown},
    };
    for (const auto& [daemonsets, outcome] : cases) {
      const auto& cluster = daemonsets; // clang 14 cannot capture a structured binding
      CAPTURE(cluster);
      const Snapshot s = test::snapshot_from_manifests(coder_cluster(np + daemonsets));
      const CheckResult r = run_check(s, "network-policy-enforcement");
      CAPTURE(all_messages(r));
      CHECK(r.outcome == outcome);
    }
    CHECK(run_check(test::snapshot_from_manifests(coder_cluster(daemonset("calico-node", "[{name: calico-node, image: calico/node}]"))),
                    "network-policy-enforcement")
            .outcome == Outcome::unknown); // no NetworkPolicy at all in manifests: not seen
    const Snapshot aks = test::snapshot_from_manifests(
      coder_cluster(np) + "---\napiVersion: v1\nkind: Node\nmetadata: {name: aks-1, labels: {kubernetes.azure.com/network-policy: none}}\n");
    CHECK(run_check(aks, "network-policy-enforcement").outcome == Outcome::warn);
  }

  TEST_CASE("coderd to PostgreSQL: the host of a visible connection URL decides the target")
  {
    const std::string egress = policy("coder", "coderd-out", R"({podSelector: {matchLabels: {app.kubernetes.io/name: coder}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 5432}]}]})");
    const auto with_url = [&](std::string_view url) { return test::snapshot_from_manifests(coder_cluster(egress, url)); };
    const CheckResult name = run_check(with_url(k_pg_url), "network-coderd-to-postgres");
    CHECK(name.outcome == Outcome::unknown); // allowed only outside 10/8: where db.example.com is cannot be told offline
    CHECK(all_messages(name).find("0.0.0.0/0 except 10.0.0.0/8") != std::string::npos);
    CHECK(run_check(with_url("postgres://coder@10.1.2.3:5432/coder"), "network-coderd-to-postgres").outcome == Outcome::fail);
    CHECK(run_check(with_url("postgres://coder@52.1.2.3:5432/coder"), "network-coderd-to-postgres").outcome == Outcome::pass);
    CHECK(run_check(with_url("host=52.1.2.3 port=6432 user=coder"), "network-coderd-to-postgres").outcome == Outcome::fail);
    const std::string in_cluster = R"(---
apiVersion: v1
kind: Service
metadata: {name: pg, namespace: coder}
spec: {selector: {app: pg}, ports: [{port: 5432, targetPort: 5432}]}
)" + test::pod_yaml("coder", "pg-0", "{app: pg}", "10.0.7.7", "[{containerPort: 5432}]");
    const CheckResult svc = run_check(test::snapshot_from_manifests(coder_cluster(egress + in_cluster, "postgres://coder@pg.coder.svc.cluster.local:5432/coder")),
                                      "network-coderd-to-postgres");
    CHECK(svc.outcome == Outcome::fail);
    CHECK(all_messages(svc).find("Service coder/pg") != std::string::npos);
    CHECK(run_check(test::snapshot_from_manifests(coder_cluster(egress, "")), "network-coderd-to-postgres").outcome == Outcome::info);
  }

  TEST_CASE("coderd egress: blocked, allowed, or allowed only to some ranges")
  {
    const auto check = [](const std::string& egress_rules) {
      return run_check(test::snapshot_from_manifests(coder_cluster(policy("coder", "out", fmt::format(R"({{podSelector: {{}}, policyTypes: [Egress], egress: {}}})", egress_rules)))),
                       "network-coderd-egress");
    };
    CHECK(check("[]").outcome == Outcome::fail);
    CHECK(check("[{ports: [{port: 443}, {port: 22}]}]").outcome == Outcome::pass);
    const CheckResult ssh = check("[{ports: [{port: 443}]}]");
    CHECK(ssh.outcome == Outcome::warn); // TCP 22 (git over SSH) only
    CHECK(check("[{to: [{ipBlock: {cidr: 140.82.112.0/20}}], ports: [{port: 443}, {port: 22}]}]").outcome == Outcome::unknown);
  }

  TEST_CASE("ingress to coderd: a LoadBalancer Service needs ingress from outside; the fix names an ipBlock")
  {
    std::string yaml = coder_cluster(policy("coder", "coderd-in", R"({podSelector: {matchLabels: {app.kubernetes.io/name: coder}}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}], ports: [{port: 8080}]}]})"));
    yaml.replace(yaml.find("type: ClusterIP"), std::string("type: ClusterIP").size(), "type: LoadBalancer");
    const CheckResult r = run_check(test::snapshot_from_manifests(yaml), "network-ingress-to-coderd");
    CHECK(r.outcome == Outcome::fail);
    CHECK(all_messages(r).find(R"("ipBlock":{"cidr":"0.0.0.0/0"})") != std::string::npos);
    CHECK(run_check(test::snapshot_from_manifests(coder_cluster("")), "network-ingress-to-coderd").outcome ==
          Outcome::unknown); // ClusterIP and no Ingress: the way in is not in the input
    // The same coderd policy blocks the HA relay between replicas.
    const CheckResult relay = run_check(test::snapshot_from_manifests(yaml), "network-coderd-relay");
    CHECK(relay.outcome == Outcome::fail);
  }

  TEST_CASE("workspace ingress: wide openings warn, narrow ones are info, LoadBalancers publishing workspaces warn")
  {
    const auto check = [](const std::string& extra) {
      return run_check(test::snapshot_from_manifests(coder_cluster(extra)), "network-workspace-ingress");
    };
    CHECK(check(policy("coder-workspaces", "deny", "{podSelector: {}}")).outcome == Outcome::pass);
    // No policy selects the workspaces (one elsewhere shows policies were read).
    CHECK(check(policy("coder", "other", "{podSelector: {}}")).outcome == Outcome::warn);
    CHECK(check("").outcome == Outcome::unknown); // no NetworkPolicy in the input at all
    CHECK(check(policy("coder-workspaces", "ssh", "{podSelector: {}, ingress: [{ports: [{port: 22}]}]}")).outcome == Outcome::warn);
    const CheckResult narrow = check(policy("coder-workspaces", "from-coder", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: coder}}}], ports: [{port: 22}]}]})"));
    CHECK(narrow.outcome == Outcome::info);
    CHECK(all_messages(narrow).find("TCP 22 from every pod in namespaces kubernetes.io/metadata.name=coder") != std::string::npos);
    const CheckResult lb = check(policy("coder-workspaces", "deny", "{podSelector: {}}") + R"(---
apiVersion: v1
kind: Service
metadata: {name: ws-ssh, namespace: coder-workspaces}
spec: {type: LoadBalancer, selector: {app.kubernetes.io/name: coder-workspace}, ports: [{port: 22, protocol: TCP}]}
)");
    CHECK(lb.outcome == Outcome::warn);
  }

  TEST_CASE("provisioners isolated for egress without a rule to coderd fail")
  {
    const std::string provisioner = R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coder-provisioner, namespace: coder}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: coder-provisioner}}
  template:
    metadata: {labels: {app.kubernetes.io/name: coder-provisioner}}
    spec:
      containers:
      - {name: coder, image: ghcr.io/coder/coder:v2.18.5, args: [provisionerd, start], env: [{name: CODER_URL, value: 'http://coder.coder.svc.cluster.local'}]}
)";
    const Snapshot s = test::snapshot_from_manifests(coder_cluster(
      provisioner + policy("coder", "prov-out", "{podSelector: {matchLabels: {app.kubernetes.io/name: coder-provisioner}}, policyTypes: [Egress]}")));
    const CheckResult r = run_check(s, "network-provisioners-to-coderd");
    CHECK(r.outcome == Outcome::fail);
    CHECK(all_messages(r).find("CODER_URL=http://coder.coder.svc.cluster.local") != std::string::npos);
    const Snapshot none = test::snapshot_from_manifests(coder_cluster(policy("coder", "other", "{podSelector: {}}")));
    CHECK(run_check(none, "network-provisioners-to-coderd").outcome == Outcome::info);
  }
}
