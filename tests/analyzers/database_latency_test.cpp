#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
std::string health(int latency, int threshold)
{
  return fmt::format(R"({{"severity": "ok", "database": {{"severity": "ok", "reachable": true, "latency_ms": {}, "threshold_ms": {}}}}})",
                     latency, threshold);
}
} // namespace

TEST_SUITE("analyzers/database-latency")
{
  TEST_CASE("warns at or above 10 ms even under the server's threshold, fails an unreachable database")
  {
    const Snapshot s = snapshot_from({{"coder/api/health.json", health(12, 15)}});
    const CheckResult r = run_check(s, "database-latency");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("10 ms") != std::string::npos);
    const Snapshot down = snapshot_from({{"coder/api/health.json",
                                          R"({"database": {"severity": "error", "reachable": false, "error": "EDB01: ping: connection refused"}})"}});
    CHECK(run_check(down, "database-latency").outcome == Outcome::fail);
  }

  TEST_CASE("passes a latency under 10 ms")
  {
    const Snapshot s = snapshot_from({{"coder/api/health.json", health(3, 15)}});
    CHECK(run_check(s, "database-latency").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the health report is missing or null")
  {
    CHECK(run_check(snapshot_from({}), "database-latency").outcome == Outcome::unknown);
    const Snapshot null = snapshot_from({{"coder/support-bundle/deployment/health.json", "null"}});
    const CheckResult r = run_check(null, "database-latency");
    CHECK(r.outcome == Outcome::unknown);
    CHECK(r.findings[0].message.find("null") != std::string::npos);
  }

  TEST_CASE("does not pass a zero latency from a check that errored")
  {
    const Snapshot s = snapshot_from({{"coder/api/health.json",
                                       R"({"database": {"severity": "error", "error": "EUNKNOWN: context deadline exceeded", "latency_ms": 0, "threshold_ms": 15}})"}});
    const CheckResult r = run_check(s, "database-latency");
    CHECK(r.outcome != Outcome::pass);
    CHECK(r.findings[0].message.find("context deadline exceeded") != std::string::npos);
  }
}
