// `kubectl cluster-info dump`, in both of its forms, written by the real kubectl from `serve`
// holding a sample, then analyzed: the directory and the stdout form must read the same.
#include <core/bundle/cluster_info_dump.hpp>
#include <core/util/json.hpp>

#include <doctest/doctest.h>

#include "../support/support.hpp"

#include <map>

using namespace cva;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> outcomes(const std::string& report_json)
{
  const Json report = Json::parse(report_json);
  std::map<std::string, std::string> out;
  for (const Json& c : report.at("checks")) {
    out[c["id"]] = c["outcome"];
  }
  return out;
}

} // namespace

TEST_SUITE("cli/cluster-info-dump")
{
  TEST_CASE("cli: kubectl cluster-info dump, as a directory and as stdout, analyzes the same")
  {
    test::ServeProcess server({test::sample_archive("compliant").string()});
    test::TempDir dir;
    const fs::path tree = dir / "dump";
    const auto to_dir = test::run_kubectl(server, {"cluster-info", "dump", "--all-namespaces", "--output-directory", tree.string()});
    REQUIRE_MESSAGE(to_dir.exit_code == 0, to_dir.err);
    const auto to_stdout = test::run_kubectl(server, {"cluster-info", "dump", "--all-namespaces"});
    REQUIRE_MESSAGE(to_stdout.exit_code == 0, to_stdout.err);
    REQUIRE(looks_like_cluster_info_dump_stream(to_stdout.out));
    test::write_text(dir / "dump.txt", to_stdout.out);

    const auto from_dir = test::run_cli({"analyze", tree.string(), "-o", "json", "--fail-on", "never"});
    REQUIRE_MESSAGE(from_dir.exit_code == 0, from_dir.err);
    const auto from_file = test::run_cli({"analyze", (dir / "dump.txt").string(), "-o", "json", "--fail-on", "never"});
    REQUIRE_MESSAGE(from_file.exit_code == 0, from_file.err);
    const auto from_stdin = test::run_cli({"analyze", "-", "-o", "json", "--fail-on", "never"}, to_stdout.out);
    REQUIRE_MESSAGE(from_stdin.exit_code == 0, from_stdin.err);

    const Json report = Json::parse(from_file.out);
    CHECK(report["input"]["format"] == "cluster-info-dump");
    const auto expected = outcomes(from_dir.out);
    CHECK(outcomes(from_file.out) == expected);
    CHECK(outcomes(from_stdin.out) == expected);
    // The dump holds coderd's pods and Deployment, so the compute checks run on them.
    CHECK(expected.at("coderd-replicas") == "pass");
    CHECK(expected.at("control-plane-host-volumes") == "pass");
    // It holds no NetworkPolicies, so reachability is never claimed.
    CHECK(expected.at("network-workspaces-to-coderd") == "unknown");
  }

  TEST_CASE("the stdout form: logs split per container, empty Lists placed by their namespace's block, bad chunks named")
  {
    const std::string text = R"({
    "kind": "NodeList",
    "apiVersion": "v1",
    "items": [{"kind": "Node", "metadata": {"name": "n1"}}]
}
{
    "kind": "EventList",
    "apiVersion": "v1",
    "items": []
}
{
    "kind": "PodList",
    "apiVersion": "v1",
    "items": [{"kind": "Pod", "metadata": {"name": "p1", "namespace": "coder"}}]
}
==== START logs for container coder of pod coder/p1 ====
{
not json, a log line
==== END logs for container coder of pod coder/p1 ====
Warning: kubectl's stderr, sent to the same file
{
    "kind": "EventList",
    "apiVersion": "v1",
    "items": []
}
{
    "kind": "PodList",
    "apiVersion": "v1",
    "items": []
}
)";
    auto dump = split_cluster_info_dump_stream(text, "dump.txt");
    REQUIRE_MESSAGE(dump.has_value(), (dump ? "" : dump.error().message));
    CHECK(dump->contains("nodes.json"));
    CHECK(dump->contains("coder/pods.json"));
    CHECK(dump->contains("coder/events.json")); // empty, placed by the pod of its block
    CHECK(dump->size() == 4);                   // the second block names no namespace: dropped
    REQUIRE(dump->get("coder/p1/logs.txt") != nullptr);
    CHECK(dump->get("coder/p1/logs.txt")->find("not json, a log line") != std::string::npos);

    const Bundle ours = convert_cluster_info_dump(*dump);
    REQUIRE(ours.get("cluster-resources/pods/logs/coder/p1/coder.log") != nullptr);
    CHECK(*ours.get("cluster-resources/pods/logs/coder/p1/coder.log") == "{\nnot json, a log line\n");

    const auto cut = split_cluster_info_dump_stream(text.substr(0, text.size() - 3), "dump.txt");
    REQUIRE_FALSE(cut.has_value());
    CHECK(cut.error().message == "dump.txt: the JSON object at line 26 is cut off");
    const auto garbage = split_cluster_info_dump_stream(R"({
    "kind": "NodeList"
}
hello
)", "dump.txt");
    REQUIRE_FALSE(garbage.has_value());
    CHECK(garbage.error().message.find("dump.txt: line 4:") == 0);
  }
}
