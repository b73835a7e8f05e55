#include <core/serve/faults.hpp>
#include <core/serve/logs.hpp>
#include <core/serve/query.hpp>
#include <core/util/time.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::serve;

namespace {

Json pod(const std::string& ns, const std::string& name, const std::string& phase,
         const std::string& node, Json labels = Json::object())
{
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}}},
          {"spec", {{"nodeName", node}}},
          {"status", {{"phase", phase}}}};
}

std::vector<std::string> names(const Page& page)
{
  std::vector<std::string> out;
  for (const Json* obj : page.items) {
    out.push_back(json_string(json_at(*obj, "metadata"), "name"));
  }
  return out;
}

} // namespace

TEST_SUITE("serve/query")
{
  TEST_CASE("field selectors: =, ==, != on any dotted path; a missing field reads as empty")
  {
    const Json running = pod("coder", "a", "Running", "node-1");
    const Json pending = pod("coder", "b", "Pending", "");
    auto sel = FieldSelector::parse("status.phase!=Failed,status.phase!=Succeeded,spec.nodeName==node-1");
    REQUIRE(sel.has_value());
    CHECK(sel->requirements().size() == 3);
    CHECK(sel->matches(running));
    CHECK_FALSE(sel->matches(pending));
    CHECK(FieldSelector::parse("spec.nodeName=")->matches(pending));
    CHECK(FieldSelector::parse("metadata.namespace=coder,metadata.name=b")->matches(pending));
    CHECK_FALSE(FieldSelector::parse("involvedObject.uid=x")->matches(pending));
    CHECK(FieldSelector::parse("")->matches(pending));
    CHECK(FieldSelector::parse(R"(metadata.name=a\,b)")->requirements()[0].value == "a,b");
  }

  TEST_CASE("field selectors: the fields the API server names or defaults differently")
  {
    const Json kubelet = {{"source", {{"component", "kubelet"}, {"host", "n1"}}}, {"type", "Warning"}};
    const Json controller = {{"source", Json::object()}, {"reportingComponent", "cluster-autoscaler"}};
    CHECK(FieldSelector::parse("source=kubelet")->matches(kubelet));
    CHECK_FALSE(FieldSelector::parse("source=kubelet")->matches(controller));
    CHECK(FieldSelector::parse("source=cluster-autoscaler")->matches(controller));
    CHECK(FieldSelector::parse("source!=kubelet,type=Warning")->matches(Json{{"source", {{"component", "x"}}}, {"type", "Warning"}}));
    const Json plain = pod("coder", "a", "Running", "node-1");
    CHECK(FieldSelector::parse("spec.hostNetwork=false")->matches(plain));
    CHECK_FALSE(FieldSelector::parse("spec.hostNetwork=true")->matches(plain));
    CHECK(FieldSelector::parse("spec.unschedulable!=true")->matches(Json{{"spec", Json::object()}}));
    CHECK(FieldSelector::parse("spec.unschedulable=true")->matches(Json{{"spec", {{"unschedulable", true}}}}));
  }

  TEST_CASE("field selectors: malformed text is refused with the text in the message")
  {
    for (const char* bad : {"status.phase", "=x", "a=b,,c=d"}) {
      CAPTURE(bad);
      const auto sel = FieldSelector::parse(bad);
      REQUIRE_FALSE(sel.has_value());
      CHECK(sel.error().message.find("invalid field selector") != std::string::npos);
    }
  }

  TEST_CASE("label selectors: the set-based syntax kubectl sends")
  {
    const StringMap coderd{{"app.kubernetes.io/name", "coder"}, {"pod-template-hash", "7c9d"}};
    const StringMap db{{"app.kubernetes.io/name", "postgresql"}};
    auto in = LabelSelector::parse("app.kubernetes.io/name in (coder,coder-provisioner),pod-template-hash");
    REQUIRE(in.has_value());
    CHECK(in->matches(coderd));
    CHECK_FALSE(in->matches(db));
    auto notin = LabelSelector::parse("app.kubernetes.io/name notin (coder), !pod-template-hash");
    REQUIRE(notin.has_value());
    CHECK(notin->matches(db));
    CHECK_FALSE(notin->matches(coderd));
    CHECK(LabelSelector::parse("app.kubernetes.io/name!=coder")->matches(db));
    CHECK(LabelSelector::parse("app.kubernetes.io/name==coder")->matches(coderd));
    CHECK_FALSE(LabelSelector::parse("app in (a").has_value());
  }

  TEST_CASE("pagination: pages follow each other without gaps or repeats, tokens carry the resource version")
  {
    std::vector<Json> objects;
    for (const char* ns : {"a", "b"}) {
      for (const char* name : {"p1", "p2", "p3"}) {
        objects.push_back(pod(ns, name, "Running", "n", {{"app", std::string(name) == "p2" ? "x" : "y"}}));
      }
    }
    std::vector<ListEntry> entries;
    for (const Json& o : objects) {
      entries.push_back({json_string(o["metadata"], "namespace") + "/" + json_string(o["metadata"], "name"), &o});
    }
    ListQuery query;
    query.limit = 2;
    std::vector<std::string> seen;
    std::vector<std::int64_t> remaining;
    for (int i = 0; i < 10; ++i) {
      auto page = select_page(entries, query, "42");
      REQUIRE(page.has_value());
      for (const std::string& n : names(*page)) {
        seen.push_back(n);
      }
      remaining.push_back(page->remaining_items);
      if (page->continue_token.empty()) {
        break;
      }
      query.continue_from = page->continue_token;
    }
    CHECK(seen == std::vector<std::string>{"p1", "p2", "p3", "p1", "p2", "p3"});
    CHECK(remaining == std::vector<std::int64_t>{4, 2, 0});

    // Selection applies before the page is cut.
    ListQuery selected;
    selected.limit = 1;
    selected.labels = *LabelSelector::parse("app=x");
    auto first = select_page(entries, selected, "42");
    REQUIRE(first.has_value());
    CHECK(names(*first) == std::vector<std::string>{"p2"});
    CHECK(first->remaining_items == 1);
    selected.continue_from = first->continue_token;
    auto second = select_page(entries, selected, "42");
    CHECK(names(*second) == std::vector<std::string>{"p2"});
    CHECK(second->continue_token.empty());

    // A token from another resource version, or a made-up one, is refused.
    auto stale = select_page(entries, selected, "43");
    REQUIRE_FALSE(stale.has_value());
    CHECK(stale.error().message.starts_with(k_expired_token));
    selected.continue_from = "not-a-token";
    CHECK_FALSE(select_page(entries, selected, "42").has_value());
  }
}

TEST_SUITE("serve/logs")
{
  const std::string k_log = "2026-11-20 08:58:19.402 [info]  started\n"
                            "goroutine 1 [running]:\n"
                            "2026-11-20 09:03:11.208 [warn]  slow\n"
                            "2026-11-20 09:10:02.004 [warn]  unreachable\n";
  const std::int64_t k_now = *parse_rfc3339("2026-11-20T09:12:00Z");

  TEST_CASE("tailLines and limitBytes cut from the end and the front, as the kubelet does")
  {
    CHECK(cut_log(k_log, {}, k_now) == k_log);
    LogQuery tail;
    tail.tail_lines = 2;
    CHECK(cut_log(k_log, tail, k_now) ==
          "2026-11-20 09:03:11.208 [warn]  slow\n2026-11-20 09:10:02.004 [warn]  unreachable\n");
    tail.tail_lines = 0;
    CHECK(cut_log(k_log, tail, k_now).empty());
    LogQuery bytes;
    bytes.limit_bytes = 10;
    CHECK(cut_log(k_log, bytes, k_now) == "2026-11-20");
  }

  TEST_CASE("timestamps come from each line's own time; continuation lines share the previous one")
  {
    LogQuery q;
    q.timestamps = true;
    q.tail_lines = 3;
    CHECK(cut_log(k_log, q, k_now) ==
          "2026-11-20T08:58:19.402000000Z goroutine 1 [running]:\n"
          "2026-11-20T09:03:11.208000000Z 2026-11-20 09:03:11.208 [warn]  slow\n"
          "2026-11-20T09:10:02.004000000Z 2026-11-20 09:10:02.004 [warn]  unreachable\n");
    // Lines already stamped by the kubelet keep their stamp; unknown times get none.
    CHECK(cut_log("2026-11-20T09:00:00.5Z hello\nno time\n", q, k_now) ==
          "2026-11-20T09:00:00.5Z hello\n2026-11-20T09:00:00.5Z no time\n");
    CHECK(cut_log("plain line\n", q, k_now) == "plain line\n");
  }

  TEST_CASE("sinceSeconds counts back from the collection time; sinceTime is absolute")
  {
    LogQuery since;
    since.since_seconds = 600; // from 09:02:00
    CHECK(cut_log(k_log, since, k_now) ==
          "2026-11-20 09:03:11.208 [warn]  slow\n2026-11-20 09:10:02.004 [warn]  unreachable\n");
    LogQuery since_time;
    since_time.since_time = parse_rfc3339("2026-11-20T09:05:00Z");
    CHECK(cut_log(k_log, since_time, k_now) == "2026-11-20 09:10:02.004 [warn]  unreachable\n");
  }
}

TEST_SUITE("serve/faults")
{
  TEST_CASE("rules: status codes, delays and drops, by prefix or regex, first terminal rule wins")
  {
    auto plan = FaultPlan::parse("403:/api/v1/namespaces/kube-system/events; delay=250:/apis/apps\n"
                                 "drop:~/api/v1/namespaces/[^/]+/pods/[^/]+/log;500:/api/v1");
    REQUIRE(plan.has_value());
    const auto events = plan->decide("/api/v1/namespaces/kube-system/events");
    CHECK(events.status == 403);
    CHECK(events.rule == "403:/api/v1/namespaces/kube-system/events");
    const auto apps = plan->decide("/apis/apps/v1/deployments");
    CHECK(apps.delay_ms == 250);
    CHECK(apps.status == 0);
    const auto log = plan->decide("/api/v1/namespaces/coder/pods/coder-0/log");
    CHECK(log.drop);
    CHECK(log.status == 0);
    CHECK(plan->decide("/api/v1/nodes").status == 500);
    CHECK_FALSE(plan->decide("/version").any());
    CHECK(FaultPlan::parse("")->empty());
  }

  TEST_CASE("a *N rule applies to the first N matching requests only")
  {
    auto plan = FaultPlan::parse("503*2:/api/v1/pods");
    REQUIRE(plan.has_value());
    const FaultPlan copy = *plan; // copies share the counter
    CHECK(plan->decide("/api/v1/pods").status == 503);
    CHECK(copy.decide("/api/v1/pods").status == 503);
    CHECK(plan->decide("/api/v1/pods").status == 0);
  }

  TEST_CASE("malformed rules are refused, naming the rule")
  {
    for (const char* bad : {"403", "302:/api", "delay=x:/api", "drop:", "500*0:/api", "drop:~(unclosed"}) {
      CAPTURE(bad);
      const auto plan = FaultPlan::parse(bad);
      REQUIRE_FALSE(plan.has_value());
      CHECK(plan.error().message.find(bad) != std::string::npos);
    }
  }
}
