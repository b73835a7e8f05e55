#include "../support/support.hpp"

#include <core/http/client.hpp>
#include <core/serve/api.hpp>
#include <core/serve/server.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <mutex>
#include <thread>

using namespace cva;
using namespace cva::serve;
using cva::test::snapshot_from;

namespace {

const char* const k_pods = R"(
- metadata: {name: coder-0, namespace: coder, uid: u-0, labels: {app: coder}, creationTimestamp: '2026-11-20T08:12:00Z'}
  spec: {nodeName: node-1, containers: [{name: coder, image: coder}]}
  status: {phase: Running, containerStatuses: [{name: coder, ready: true, restartCount: 2, state: {running: {}}}]}
- metadata: {name: coder-1, namespace: coder, uid: u-1, labels: {app: coder}}
  spec: {nodeName: node-2, containers: [{name: coder, image: coder}, {name: proxy, image: envoy}]}
  status: {phase: Pending, containerStatuses: [{name: coder, restartCount: 0}]}
- metadata: {name: db-0, namespace: coder, labels: {app: postgres}}
  spec: {nodeName: node-1, containers: [{name: pg, image: pg}]}
  status: {phase: Running}
)";

const char* const k_log = "2026-11-20 09:00:00.000 [info] one\n2026-11-20 09:05:00.000 [info] two\n"
                          "2026-11-20 09:10:00.000 [info] three\n";

Snapshot fixture()
{
  return snapshot_from({
    {"coder-cva/manifest.json", R"({"format_version": 1, "collected_at": "2026-11-20T09:12:00Z"})"},
    {"cluster-info/cluster_version.json", R"({"info": {"major": "1", "minor": "30", "gitVersion": "v1.30.4"}})"},
    {"cluster-resources/namespaces.json", "- {metadata: {name: coder}, status: {phase: Active}}"},
    {"cluster-resources/nodes.json", "- {metadata: {name: node-1}}\n- {metadata: {name: node-2}}"},
    {"cluster-resources/pods/coder.json", k_pods},
    {"cluster-resources/events/coder.json",
     "- {metadata: {name: e1, namespace: coder}, involvedObject: {kind: Pod, name: coder-0, namespace: coder, uid: u-0}, reason: BackOff}"},
    {"cluster-resources/events-errors.json",
     R"({"kube-system": "events is forbidden: User \"dev\" cannot list resource \"events\" in API group \"\" in the namespace \"kube-system\""})"},
    {"cluster-resources/csidrivers-errors.json",
     R"(["csidrivers.storage.k8s.io is forbidden: User \"dev\" cannot list resource \"csidrivers\" in API group \"storage.k8s.io\" at the cluster scope"])"},
    {"cluster-resources/custom-resource-definitions.json",
     "- {metadata: {name: certificates.cert-manager.io}, spec: {group: cert-manager.io, scope: Namespaced, "
     "names: {plural: certificates, kind: Certificate, shortNames: [cert]}, versions: [{name: v1, storage: true}]}}"},
    {"cluster-resources/pods/logs/coder/coder-0/coder.log", k_log},
    {"cluster-resources/pods/logs/coder/coder-0/coder-previous.log", "crashed\n"},
  });
}

ApiRequest get(std::string path, std::multimap<std::string, std::string> params = {}, std::string accept = {})
{
  ApiRequest r;
  r.path = std::move(path);
  r.params = std::move(params);
  r.accept = std::move(accept);
  return r;
}

Json body(const ApiResponse& r)
{
  return Json::parse(r.body);
}

std::vector<std::string> item_names(const Json& list)
{
  std::vector<std::string> out;
  for (const Json& item : list["items"]) {
    out.push_back(item["metadata"]["name"]);
  }
  return out;
}

constexpr const char* k_table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

} // namespace

TEST_SUITE("serve/api")
{
  TEST_CASE("discovery lists every kind, read-only, in the legacy and the aggregated forms")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const Json core = body(api.handle(get("/api/v1")));
    bool pods = false;
    bool log = false;
    for (const Json& r : core["resources"]) {
      pods = pods || (r["name"] == "pods" && r["verbs"] == Json::array({"get", "list", "watch"}) &&
                      r["shortNames"] == Json::array({"po"}) && r["categories"] == Json::array({"all"}));
      log = log || r["name"] == "pods/log";
    }
    CHECK(pods);
    CHECK(log);
    const Json groups = body(api.handle(get("/apis")));
    CHECK(groups["kind"] == "APIGroupList");
    CHECK(groups["groups"].dump().find("\"apps/v1\"") != std::string::npos);
    CHECK(body(api.handle(get("/apis/apps/v1")))["groupVersion"] == "apps/v1");
    CHECK(api.handle(get("/apis/apps/v1beta1")).status == 404);

    const ApiResponse aggregated = api.handle(
      get("/apis", {}, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
    CHECK(aggregated.content_type == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const Json agg = body(aggregated);
    CHECK(agg["kind"] == "APIGroupDiscoveryList");
    CHECK(agg["items"].dump().find("\"deployments\"") != std::string::npos);
    CHECK(agg["items"].dump().find("\"pods\"") == std::string::npos); // the core group is /api's
    CHECK(body(api.handle(get("/version")))["gitVersion"] == "v1.30.4");
  }

  TEST_CASE("lists and gets: selectors, namespaces, kind and apiVersion set, resourceVersion set")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const Json all = body(api.handle(get("/api/v1/pods")));
    CHECK(all["kind"] == "PodList");
    CHECK(all["metadata"]["resourceVersion"] == api.resource_version());
    CHECK(item_names(all) == std::vector<std::string>{"coder-0", "coder-1", "db-0"});
    CHECK(all["items"][0]["kind"] == "Pod");
    CHECK(all["items"][0]["apiVersion"] == "v1");
    CHECK(item_names(body(api.handle(get("/api/v1/namespaces/coder/pods", {{"labelSelector", "app in (coder)"}})))) ==
          std::vector<std::string>{"coder-0", "coder-1"});
    CHECK(item_names(body(api.handle(get("/api/v1/pods", {{"fieldSelector", "spec.nodeName=node-1,status.phase!=Pending"}})))) ==
          std::vector<std::string>{"coder-0", "db-0"});
    CHECK(body(api.handle(get("/api/v1/namespaces/web/pods")))["items"].empty());
    const Json one = body(api.handle(get("/api/v1/namespaces/coder/pods/db-0")));
    CHECK(one["kind"] == "Pod");
    CHECK(one["metadata"]["resourceVersion"] == api.resource_version());
    CHECK(body(api.handle(get("/api/v1/nodes/node-2")))["metadata"]["name"] == "node-2");
    CHECK(body(api.handle(get("/api/v1/namespaces/coder")))["kind"] == "Namespace");

    const ApiResponse missing = api.handle(get("/api/v1/namespaces/coder/pods/nope"));
    CHECK(missing.status == 404);
    CHECK(body(missing)["message"] == "pods \"nope\" not found");
    CHECK(body(missing)["reason"] == "NotFound");
    CHECK(api.handle(get("/api/v1/namespaces/coder/nodes")).status == 404);
    CHECK(api.handle(get("/api/v1/pods/coder-0")).status == 404);
    CHECK(api.handle(get("/api/v1/pods", {{"labelSelector", "app in ("}})).status == 400);
    CHECK(api.handle(get("/api/v1/pods", {{"limit", "x"}})).status == 400);
  }

  TEST_CASE("pages follow continue tokens; a token from elsewhere is refused")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    std::vector<std::string> seen;
    std::string token;
    do {
      std::multimap<std::string, std::string> params{{"limit", "1"}};
      if (!token.empty()) {
        params.emplace("continue", token);
      }
      const Json page = body(api.handle(get("/api/v1/pods", params, k_table)));
      REQUIRE(page["rows"].size() == 1);
      seen.push_back(page["rows"][0]["cells"][0]);
      token = json_string(page["metadata"], "continue");
    } while (!token.empty() && seen.size() < 10);
    CHECK(seen == std::vector<std::string>{"coder-0", "coder-1", "db-0"});
    CHECK(api.handle(get("/api/v1/pods", {{"limit", "1"}, {"continue", "bogus"}})).status == 400);
  }

  TEST_CASE("tables are measured against the collection time")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    CHECK(api.collection_time_known());
    const ApiResponse r = api.handle(get("/api/v1/namespaces/coder/pods/coder-0", {}, k_table));
    const Json table = body(r);
    CHECK(table["kind"] == "Table");
    CHECK(table["rows"][0]["cells"][4] == "60m");
    CHECK(r.note.find("AGE as of 2026-11-20T09:12:00Z") != std::string::npos);
    const Json metadata_only = body(api.handle(
      get("/api/v1/pods", {}, "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")));
    CHECK(metadata_only["kind"] == "PartialObjectMetadataList");
    CHECK(metadata_only["items"][0]["metadata"]["name"] == "coder-0");
    CHECK_FALSE(metadata_only["items"][0].contains("spec"));
  }

  TEST_CASE("refused kinds and namespaces answer with the recorded error; uncollected kinds warn")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const ApiResponse events = api.handle(get("/api/v1/namespaces/kube-system/events"));
    CHECK(events.status == 403);
    CHECK(body(events)["reason"] == "Forbidden");
    CHECK(body(events)["message"] ==
          "events is forbidden: User \"dev\" cannot list resource \"events\" in API group \"\" in the namespace \"kube-system\"");
    const ApiResponse drivers = api.handle(get("/apis/storage.k8s.io/v1/csidrivers"));
    CHECK(drivers.status == 403);
    CHECK(body(drivers)["message"].get<std::string>().starts_with("csidrivers.storage.k8s.io is forbidden"));

    const ApiResponse all_events = api.handle(get("/api/v1/events"));
    CHECK(all_events.status == 200);
    CHECK(item_names(body(all_events)) == std::vector<std::string>{"e1"});
    REQUIRE(all_events.warnings.size() == 1);
    CHECK(all_events.warnings[0].find("namespace kube-system") != std::string::npos);

    // A CRD without objects in the bundle: the kind exists, its objects were not collected.
    const ApiResponse certs = api.handle(get("/apis/cert-manager.io/v1/namespaces/coder/certificates"));
    CHECK(certs.status == 200);
    CHECK(body(certs)["kind"] == "CertificateList");
    REQUIRE(certs.warnings.size() == 1);
    CHECK(certs.warnings[0].starts_with("certificates.cert-manager.io were not collected"));
    CHECK(body(api.handle(get("/apis/cert-manager.io/v1")))["resources"][0]["shortNames"] == Json::array({"cert"}));

    const ApiResponse secrets = api.handle(get("/api/v1/secrets"));
    CHECK(secrets.status == 200);
    CHECK(body(secrets)["items"].empty());
    REQUIRE(secrets.warnings.size() == 1);
    CHECK(secrets.warnings[0].find("not collected") != std::string::npos);
  }

  TEST_CASE("writes answer 405 with a Status, whatever the path")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
      ApiRequest r = get("/api/v1/namespaces/coder/pods/coder-0");
      r.method = method;
      const ApiResponse out = api.handle(r);
      CHECK(out.status == 405);
      CHECK(body(out)["kind"] == "Status");
      CHECK(body(out)["reason"] == "MethodNotAllowed");
    }
  }

  TEST_CASE("access reviews (kubectl auth can-i) are answered for a read-only viewer, in JSON or protobuf")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const auto review = [&](std::string body, std::string content_type, std::string kind = "selfsubjectaccessreviews") {
      ApiRequest r = get("/apis/authorization.k8s.io/v1/" + kind);
      r.method = "POST";
      r.body = std::move(body);
      r.content_type = std::move(content_type);
      return api.handle(r);
    };
    const auto json_review = [&](std::string_view verb, std::string_view resource, std::string_view ns) {
      const ApiResponse out = review(
        fmt::format(R"({{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{{"resourceAttributes":{{"namespace":"{}","verb":"{}","resource":"{}"}}}}}})",
                    ns, verb, resource),
        "application/json");
      REQUIRE(out.status == 201);
      return body(out)["status"];
    };
    CHECK(json_review("list", "pods", "coder")["allowed"] == true);
    CHECK(json_review("watch", "events", "coder")["allowed"] == true);
    const Json del = json_review("delete", "pods", "coder");
    CHECK(del["allowed"] == false);
    CHECK(del["reason"].get<std::string>().find("read-only") != std::string::npos);
    const Json refused = json_review("list", "events", "kube-system");
    CHECK(refused["allowed"] == false);
    CHECK(refused["reason"].get<std::string>().find("events is forbidden: User \"dev\"") != std::string::npos);
    CHECK(review("{", "application/json").status == 400);

    // kubectl 1.33+ sends `k8s\0` and a runtime.Unknown holding the review, field by field.
    const auto field = [](int number, const std::string& bytes) {
      REQUIRE(bytes.size() < 128);
      return std::string(1, static_cast<char>(number << 3 | 2)) + static_cast<char>(bytes.size()) + bytes;
    };
    const auto protobuf = [&](const std::string& spec) {
      return std::string("k8s\0", 4) + field(1, field(1, "v1") + field(2, "x")) +
             field(2, field(1, "") + field(2, spec)) + field(4, "application/vnd.kubernetes.protobuf");
    };
    const std::string attributes = field(1, "coder") + field(2, "list") + field(5, "pods");
    const ApiResponse pb = review(protobuf(field(1, attributes)), "application/vnd.kubernetes.protobuf");
    REQUIRE(pb.status == 201);
    CHECK(body(pb)["spec"]["resourceAttributes"] == Json{{"namespace", "coder"}, {"verb", "list"}, {"resource", "pods"}});
    CHECK(body(pb)["status"]["allowed"] == true);
    const std::string refused_attributes = field(1, "kube-system") + field(2, "list") + field(5, "events");
    CHECK(body(review(protobuf(field(1, refused_attributes)), "application/vnd.kubernetes.protobuf"))["status"]["allowed"] ==
          false);
    // A length past the end of the body.
    CHECK(review(std::string("k8s\0\x12\x7f", 6), "application/vnd.kubernetes.protobuf").status == 400);

    const ApiResponse rules =
      review(protobuf(field(1, "coder")), "application/vnd.kubernetes.protobuf", "selfsubjectrulesreviews");
    REQUIRE(rules.status == 201);
    CHECK(body(rules)["spec"]["namespace"] == "coder");
    CHECK(body(rules)["status"]["resourceRules"][0]["verbs"] == Json{"get", "list", "watch"});
  }

  TEST_CASE("watch sends the current state then ends; a client already at this version gets nothing")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const ApiResponse w = api.handle(get("/api/v1/namespaces/coder/pods", {{"watch", "true"}, {"labelSelector", "app=coder"}}));
    CHECK(w.stream);
    std::vector<Json> events;
    std::size_t pos = 0;
    while (pos < w.body.size()) {
      const std::size_t nl = w.body.find('\n', pos);
      events.push_back(Json::parse(w.body.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    REQUIRE(events.size() == 2);
    CHECK(events[0]["type"] == "ADDED");
    CHECK(events[1]["object"]["metadata"]["name"] == "coder-1");
    const ApiResponse current = api.handle(
      get("/api/v1/namespaces/coder/pods", {{"watch", "true"}, {"resourceVersion", api.resource_version()}}));
    CHECK(current.stream);
    CHECK(current.body.empty());
    const ApiResponse initial = api.handle(get("/api/v1/nodes", {{"watch", "1"}, {"sendInitialEvents", "true"}}));
    CHECK(initial.body.find("\"BOOKMARK\"") != std::string::npos);
    CHECK(initial.body.find("k8s.io/initial-events-end") != std::string::npos);
  }

  TEST_CASE("pod logs: default container, previous, tail, bad container, logs not collected")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    const ApiResponse all = api.handle(get("/api/v1/namespaces/coder/pods/coder-0/log"));
    CHECK(all.status == 200);
    CHECK(all.content_type == "text/plain");
    CHECK(all.body == k_log);
    CHECK(api.handle(get("/api/v1/namespaces/coder/pods/coder-0/log", {{"previous", "true"}})).body == "crashed\n");
    CHECK(api.handle(get("/api/v1/namespaces/coder/pods/coder-0/log", {{"tailLines", "1"}, {"container", "coder"}})).body ==
          "2026-11-20 09:10:00.000 [info] three\n");
    CHECK(api.handle(get("/api/v1/namespaces/coder/pods/coder-0/log", {{"sinceSeconds", "600"}})).body ==
          "2026-11-20 09:05:00.000 [info] two\n2026-11-20 09:10:00.000 [info] three\n");

    const ApiResponse two = api.handle(get("/api/v1/namespaces/coder/pods/coder-1/log"));
    CHECK(two.status == 400);
    CHECK(body(two)["message"] == "a container name must be specified for pod coder-1, choose one of: [coder proxy]");
    CHECK(api.handle(get("/api/v1/namespaces/coder/pods/coder-0/log", {{"container", "nope"}})).status == 400);
    const ApiResponse not_collected = api.handle(get("/api/v1/namespaces/coder/pods/db-0/log"));
    CHECK(not_collected.status == 404);
    CHECK(body(not_collected)["message"] == "the log of container pg of pod coder/db-0 is not in the bundle");
    const ApiResponse no_previous =
      api.handle(get("/api/v1/namespaces/coder/pods/coder-1/log", {{"container", "coder"}, {"previous", "true"}}));
    CHECK(no_previous.status == 400);
    CHECK(body(no_previous)["message"] == "previous terminated container \"coder\" in pod \"coder-1\" not found");
  }
}

TEST_SUITE("serve/http")
{
  // A server on a free loopback port, run on a thread for the test's duration.
  struct Running
  {
    Snapshot snapshot = fixture();
    ApiServer api{snapshot};
    std::mutex mutex;
    std::vector<std::string> lines;
    std::unique_ptr<HttpServer> http;
    std::thread thread;
    int port = 0;

    explicit Running(const std::string& faults)
    {
      HttpOptions options;
      auto plan = FaultPlan::parse(faults);
      REQUIRE(plan.has_value());
      options.faults = *plan;
      options.log = [this](const std::string& line) {
        const std::lock_guard lock(mutex);
        lines.push_back(line);
      };
      http = std::make_unique<HttpServer>(api, std::move(options));
      auto bound = http->bind();
      REQUIRE(bound.has_value());
      port = *bound;
      thread = std::thread([this] { (void)http->run(); });
    }
    ~Running()
    {
      http->stop();
      thread.join();
    }
    std::vector<std::string> log()
    {
      const std::lock_guard lock(mutex);
      return lines;
    }
  };

  TEST_CASE("injected faults: status codes, a count, a dropped body, and the request log")
  {
    Running server("403:/api/v1/namespaces/kube-system;500*1:/api/v1/nodes;drop:/api/v1/pods;delay=1:/version");
    const http::Client client(http::Endpoint::tcp("127.0.0.1", server.port));
    const auto forbidden = client.get("/api/v1/namespaces/kube-system/pods");
    REQUIRE(forbidden);
    CHECK(forbidden->status == 403);
    CHECK(Json::parse(forbidden->body)["kind"] == "Status");
    CHECK(Json::parse(forbidden->body)["message"].get<std::string>().find("CODER_CVA_SERVE_FAULTS") != std::string::npos);

    const auto first = client.get("/api/v1/nodes");
    REQUIRE(first);
    CHECK(first->status == 500);
    const auto second = client.get("/api/v1/nodes");
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK(Json::parse(second->body)["kind"] == "NodeList");

    const http::Client dropping(http::Endpoint::tcp("127.0.0.1", server.port));
    const auto dropped = dropping.get("/api/v1/pods");
    REQUIRE_FALSE(dropped);
    CHECK(dropped.error().message.find("connection closed after") != std::string::npos);

    const auto version = client.get("/version");
    REQUIRE(version);
    CHECK(version->status == 200);

    const std::vector<std::string> log = server.log();
    REQUIRE(log.size() == 5);
    CHECK(log[0].starts_with("GET /api/v1/namespaces/kube-system/pods 403 "));
    CHECK(log[1].starts_with("GET /api/v1/nodes 500 "));
    CHECK(log[2].starts_with("GET /api/v1/nodes 200 "));
    CHECK(log[3].starts_with("GET /api/v1/pods 200 (dropped mid-body)"));
    CHECK(log[4].find("delayed 1ms") != std::string::npos);
  }

  TEST_CASE("a refused write leaves the connection usable; watches stream and end; warnings are headers")
  {
    Running server("");
    // Our client only GETs: the POST goes out by hand, then a GET on the same connection.
    auto socket = http::connect_tcp("127.0.0.1", server.port, std::chrono::seconds(10));
    REQUIRE(socket.has_value());
    http::Stream stream(std::move(*socket), "serve", std::chrono::seconds(10));
    const auto exchange = [&stream](const std::string& request) {
      REQUIRE(stream.write_all(request).has_value());
      const auto head = http::parse_response_head(stream.read_head(65536, "a response head").value());
      REQUIRE(head.has_value());
      std::string body;
      REQUIRE(http::read_body(stream, http::response_framing("GET", head->status, head->headers).value(), 1 << 20, body)
                .has_value());
      return std::make_pair(head->status, body);
    };
    const std::string pod = R"({"kind":"Pod"})";
    const auto post = exchange(fmt::format("POST /api/v1/namespaces/coder/pods HTTP/1.1\r\nHost: x\r\n"
                                           "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                                           pod.size(), pod));
    CHECK(post.first == 405);
    const auto after = exchange("GET /api/v1/namespaces/coder/pods/coder-0 HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(after.first == 200);
    CHECK(Json::parse(after.second)["metadata"]["name"] == "coder-0");

    const http::Client client(http::Endpoint::tcp("127.0.0.1", server.port));
    const auto watch = client.get("/api/v1/namespaces/coder/pods?watch=true");
    REQUIRE(watch);
    CHECK(watch->header("Transfer-Encoding") == "chunked");
    CHECK(std::count(watch->body.begin(), watch->body.end(), '\n') == 3);

    const auto events = client.get("/api/v1/events");
    REQUIRE(events);
    const std::string warning = events->header("Warning");
    CHECK(warning.starts_with("299 - \"events in namespace kube-system were not collected: events is forbidden: User \\\"dev\\\""));
    CHECK(server.log()[0].starts_with("POST /api/v1/namespaces/coder/pods 405 "));
  }

  TEST_CASE("a stop that comes between bind and run is not lost")
  {
    const Snapshot snapshot = fixture();
    const ApiServer api(snapshot);
    HttpServer http(api, HttpOptions{});
    REQUIRE(http.bind().has_value());
    http.stop();
    CHECK(http.run().has_value()); // returns instead of serving forever
  }
}
