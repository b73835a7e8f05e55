#include <core/model/prometheus.hpp>

#include <doctest/doctest.h>

#include <cmath>

using namespace cva;

TEST_SUITE("model/prometheus")
{
  TEST_CASE("parses samples, labels with escapes, special values and timestamps")
  {
    const auto samples = parse_prometheus_text("# HELP x help\n# TYPE x gauge\n"
                                               "coderd_api_total_user_count{status=\"active\"} 171\n"
                                               "coderd_api_total_user_count{status=\"dormant\",note=\"a \\\"q\\\" \\\\ b\"} 9 1700000000000\n"
                                               "go_goroutines 42\r\n"
                                               "weird_value NaN\n"
                                               "bucket{le=\"+Inf\"} +Inf\n\n",
                                               "m.prom");
    REQUIRE(samples.has_value());
    REQUIRE(samples->size() == 5);
    CHECK((*samples)[1].labels.at("note") == "a \"q\" \\ b");
    CHECK((*samples)[1].value == 9);
    CHECK(std::isinf((*samples)[4].value));
    CHECK(metric_sum(*samples, "coderd_api_total_user_count") == 180);
    CHECK(metric_sum(*samples, "coderd_api_total_user_count", {{"status", "active"}}) == 171);
    CHECK_FALSE(metric_sum(*samples, "missing").has_value());
    CHECK_FALSE(metric_sum(*samples, "weird_value").has_value());
  }

  TEST_CASE("rejects malformed lines with the file and line number")
  {
    const auto bad = parse_prometheus_text("ok 1\nbroken{label=\"x\" 3\n", "coder/metrics/a.prom");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message == "coder/metrics/a.prom:2: not a Prometheus sample line: broken{label=\"x\" 3");
    CHECK_FALSE(parse_prometheus_text("name_only\n", "x").has_value());
  }
}
