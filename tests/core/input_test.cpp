#include <core/bundle/input.hpp>
#include <core/bundle/paths.hpp>
#include <core/model/snapshot.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

using namespace cva;
namespace fs = std::filesystem;

namespace {

const char* k_pods = R"({"apiVersion":"v1","kind":"List","items":[
  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"coder-abc12-x1","namespace":"coder","labels":{"app.kubernetes.io/name":"coder"}},
   "spec":{"nodeName":"n1","containers":[{"name":"coder","image":"ghcr.io/coder/coder:v2.18.5","args":["server"]}]},
   "status":{"phase":"Running"}}]})";

Snapshot build(const std::vector<std::string>& args)
{
  auto in = load_inputs(args);
  REQUIRE_MESSAGE(in.has_value(), (in ? "" : in.error().message));
  auto s = Snapshot::build(std::move(*in));
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
  return std::move(*s);
}

} // namespace

TEST_SUITE("core/input")
{
  TEST_CASE("a troubleshoot bundle directory with its top directory, errors becoming coverage")
  {
    test::TempDir dir;
    const fs::path root = dir / "support-bundle-2026-11-27T10_15_00";
    test::write_text(root / "version.yaml", "apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n");
    test::write_text(root / "cluster-resources/pods/coder.json", k_pods);
    test::write_text(root / "cluster-resources/pods-errors.json", R"({"kube-system":"pods is forbidden: User \"x\" cannot list resource \"pods\""})");
    test::write_text(root / "cluster-resources/nodes-errors.json", R"(["nodes is forbidden: User \"x\" cannot list resource \"nodes\" at the cluster scope"])");
    test::write_text(root / "cluster-resources/namespaces.json", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"coder"}})");
    const Snapshot s = build({dir.path().string()});
    CHECK(s.format == InputFormat::troubleshoot);
    CHECK(s.collected_at == "2026-11-27T10:15:00Z");
    CHECK(s.pods.size() == 1);
    CHECK(s.coverage("pods").state == CoverageState::partial);
    CHECK(s.coverage("pods").refused.contains("kube-system"));
    CHECK(s.coverage("nodes").state == CoverageState::forbidden);
    CHECK(s.coverage("nodes").message.find("forbidden") != std::string::npos);
    CHECK(s.coverage("persistentvolumes").state == CoverageState::absent);
    CHECK(s.namespaces.size() == 1); // a single Namespace object (troubleshoot's -n form)
    REQUIRE(s.coder.coderd.size() == 1);
  }

  TEST_CASE("a troubleshoot archive whose root holds the bundle directly")
  {
    test::TempDir dir;
    Bundle b;
    b.put("version.yaml", "kind: SupportBundle\n");
    b.put("cluster-resources/pods/coder.json", k_pods);
    b.put("cluster-resources/custom-resources/nodepools.karpenter.sh.json",
          R"([{"apiVersion":"karpenter.sh/v1","kind":"NodePool","metadata":{"name":"default"}}])");
    auto bytes = write_tar_gz_memory(b, "", 1'700'000'000);
    REQUIRE(bytes.has_value());
    test::write_text(dir / "b.tar.gz", *bytes);
    const Snapshot s = build({(dir / "b.tar.gz").string()});
    CHECK(s.pods.size() == 1);
    const ResourceData* np = s.store().find("nodepools", "karpenter.sh");
    REQUIRE(np != nullptr);
    CHECK(np->objects.size() == 1);
    CHECK(np->type.kind == "NodePool");
    CHECK(np->type.version == "v1");
    CHECK_FALSE(np->type.namespaced);
  }

  TEST_CASE("a kubectl cluster-info dump directory")
  {
    test::TempDir dir;
    test::write_text(dir / "nodes.json", R"({"kind":"NodeList","items":[{"kind":"Node","metadata":{"name":"n1"}}]})");
    test::write_text(dir / "coder/pods.json", k_pods);
    test::write_text(dir / "coder/coder-abc12-x1/logs.txt",
                     "==== START logs for container coder of pod coder/coder-abc12-x1 ====\nline one\nline two\n"
                     "==== END logs for container coder of pod coder/coder-abc12-x1 ====\n");
    const Snapshot s = build({dir.path().string()});
    CHECK(s.format == InputFormat::cluster_info_dump);
    CHECK(s.nodes.size() == 1);
    CHECK(s.pods.size() == 1);
    const std::string* log = s.bundle().get("cluster-resources/pods/logs/coder/coder-abc12-x1/coder.log");
    REQUIRE(log != nullptr);
    CHECK(*log == "line one\nline two\n");
    // Without kube-system the dump was cut short or limited: other namespaces were not seen.
    CHECK(s.coverage("pods").state == CoverageState::partial);
    CHECK(s.coverage("pods").message.find("not kube-system") != std::string::npos);

    test::write_text(dir / "kube-system/pods.json", R"({"kind":"PodList","items":[]})");
    const Snapshot whole = build({dir.path().string()});
    CHECK(whole.coverage("pods").state == CoverageState::collected);
  }

  TEST_CASE("manifests from a file synthesize pods a planned install would run")
  {
    test::TempDir dir;
    test::write_text(dir / "coder.yaml", R"(
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: coder}
  spec:
    replicas: 3
    selector: {matchLabels: {app.kubernetes.io/name: coder}}
    template:
      metadata: {labels: {app.kubernetes.io/name: coder}}
      spec:
        containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [server]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: pg, image: "postgres:16"}]}
---
# a values-file document is not an object and is skipped
replicaCount: 3
)");
    ManifestOptions opts;
    opts.default_namespace = "coder";
    auto in = load_inputs({(dir / "coder.yaml").string()}, {}, opts);
    REQUIRE(in.has_value());
    CHECK(in->format == InputFormat::manifests);
    auto s = Snapshot::build(std::move(*in));
    REQUIRE(s.has_value());
    CHECK(s->pods.size() == 5);
    CHECK(s->coder.coderd.size() == 3);
    CHECK(s->coder.postgres.size() == 2);
    CHECK(s->pods[0].synthesized);
    CHECK(s->coverage("pods").synthesized);
    CHECK(s->coder.coderd[0]->meta.namespace_ == "coder");
    CHECK(s->coder.coderd[0]->workload_name == "coder");
    CHECK(s->coverage("nodes").state == CoverageState::absent);
  }

  TEST_CASE("cli: manifests from stdin")
  {
    const std::string yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: coder, namespace: coder}
spec:
  replicas: 1
  selector: {matchLabels: {app.kubernetes.io/name: coder}}
  template:
    metadata: {labels: {app.kubernetes.io/name: coder}}
    spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [server]}]}
)";
    const auto r = test::run_cli({"analyze", "-", "--only", "coderd-replicas", "-o", "json"}, yaml);
    CHECK(r.exit_code == 3);
    const Json report = Json::parse(r.out);
    CHECK(report["input"]["format"] == "manifests");
    CHECK(report["checks"][0]["outcome"] == "fail");
  }

  TEST_CASE("a manifests directory, and duplicate objects refused")
  {
    test::TempDir dir;
    const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: coder}\n";
    test::write_text(dir / "m/a.yaml", ns);
    test::write_text(dir / "m/sub/b.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"coder"}})");
    test::write_text(dir / "m/README.md", "not a manifest");
    const Snapshot s = build({(dir / "m").string()});
    CHECK(s.namespaces.size() == 1);
    CHECK(s.config_maps.size() == 1);
    test::write_text(dir / "m/c.yaml", ns);
    auto dup = load_inputs({(dir / "m").string()});
    REQUIRE_FALSE(dup.has_value());
    CHECK(dup.error().message.find("appears twice") != std::string::npos);
  }

  TEST_CASE("a Coder support zip alone, and beside a cluster archive")
  {
    test::TempDir dir;
    Bundle zip;
    zip.put("deployment/health.json", R"({"severity":"ok"})");
    zip.put("deployment/stats.json", "null");
    zip.put("deployment/entitlements.json", "");
    auto bytes = write_zip_memory(zip, 1'700'000'000);
    REQUIRE(bytes.has_value());
    test::write_text(dir / "coder-support-1.zip", *bytes);
    const Snapshot alone = build({(dir / "coder-support-1.zip").string()});
    CHECK(alone.format == InputFormat::coder_support);
    REQUIRE(alone.coder_data.find("health") != nullptr);
    CHECK(alone.coder_data.find("health")->path == "coder/support-bundle/deployment/health.json");
    CHECK(alone.coder_data.find("stats") == nullptr);
    CHECK(alone.coverage("coder/stats").message.find("null") != std::string::npos);
    CHECK(alone.coverage("pods").state == CoverageState::absent);

    const Snapshot both = build({test::sample_archive("compliant").string(), (dir / "coder-support-1.zip").string()});
    CHECK(both.format == InputFormat::cva);
    CHECK_FALSE(both.pods.empty());
    // The sample already carries a support bundle: the second one is mounted beside it.
    CHECK(both.bundle().contains("coder/support-bundle-2/deployment/health.json"));
  }

  TEST_CASE("inputs that cannot be read are one-line errors naming them")
  {
    test::TempDir dir;
    test::write_text(dir / "random.bin", std::string("\x00\x01\x02garbage", 10));
    test::write_text(dir / "bad.yaml", "a: [unclosed\n");
    Bundle not_coder;
    not_coder.put("hello.txt", "hi");
    test::write_text(dir / "other.zip", *write_zip_memory(not_coder, 1'700'000'000));
    for (const auto& [arg, expect] : std::vector<std::pair<std::string, std::string>>{
           {(dir / "missing.tar.gz").string(), "no such file"},
           {(dir / "random.bin").string(), "not a tar.gz or zip"},
           {(dir / "bad.yaml").string(), "invalid YAML"},
           {(dir / "other.zip").string(), "not a Coder support bundle"},
         }) {
      const std::string& input = arg; // clang 14 cannot capture a structured binding
      CAPTURE(input);
      auto r = load_inputs({arg});
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().message.find(expect) != std::string::npos);
      CHECK(r.error().message.find(arg) != std::string::npos);
    }
    auto two = load_inputs({test::sample_archive("compliant").string(), test::sample_archive("incident").string()});
    REQUIRE_FALSE(two.has_value());
    CHECK(two.error().message.find("only one cluster input") != std::string::npos);
  }

  TEST_CASE("inputs found by fuzzing: a lone comma, a huge number")
  {
    test::TempDir dir;
    test::write_text(dir / "comma.yaml", ",");
    auto comma = load_inputs({(dir / "comma.yaml").string()});
    REQUIRE_FALSE(comma.has_value()); // and it returns: yaml-cpp's LoadAll never did
    test::write_text(dir / "huge.json", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"n":66666E666666})");
    auto huge = load_inputs({(dir / "huge.json").string()});
    REQUIRE_FALSE(huge.has_value());
    CHECK(huge.error().message.find("invalid JSON") != std::string::npos);
  }

  TEST_CASE("a directory with a symlink out of it is refused")
  {
    test::TempDir dir;
    test::write_text(dir / "b/version.yaml", "kind: SupportBundle\n");
    test::write_text(dir / "secret.txt", "s3cret");
    fs::create_symlink(dir / "secret.txt", dir / "b/leak.txt");
    auto r = load_inputs({(dir / "b").string()});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("points outside") != std::string::npos);
  }

  TEST_CASE("a bundle file with invalid JSON is an error naming it")
  {
    test::TempDir dir;
    test::write_text(dir / "b/version.yaml", "kind: SupportBundle\n");
    test::write_text(dir / "b/cluster-resources/nodes.json", "{not json");
    auto in = load_inputs({(dir / "b").string()});
    REQUIRE(in.has_value());
    auto s = Snapshot::build(std::move(*in));
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message.find("cluster-resources/nodes.json: invalid JSON") != std::string::npos);
  }
}
