#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/health-network-interfaces")
{
  TEST_CASE("surfaces EIF01 and interfaces with a small MTU")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/network/interfaces.json",
                                       R"({"severity": "warning", "warnings": [{"code": "EIF01", "message": "Network interface tun0 has MTU 1280"}], "interfaces": [{"name": "tun0", "mtu": 1280}]})"}});
    const CheckResult r = run_check(s, "health-network-interfaces");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("EIF01") != std::string::npos);
    const Snapshot no_code = snapshot_from({{"coder/support-bundle/network/interfaces.json",
                                             R"({"severity": "ok", "warnings": [], "interfaces": [{"name": "tun0", "mtu": 1200}]})"}});
    CHECK(run_check(no_code, "health-network-interfaces").outcome == Outcome::warn);
  }

  TEST_CASE("passes interfaces with normal MTUs")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/network/interfaces.json",
                                       R"({"severity": "ok", "warnings": [], "interfaces": [{"name": "eth0", "mtu": 1500}]})"}});
    CHECK(run_check(s, "health-network-interfaces").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when the report is missing or null")
  {
    CHECK(run_check(snapshot_from({}), "health-network-interfaces").outcome == Outcome::unknown);
    const Snapshot null = snapshot_from({{"coder/support-bundle/network/interfaces.json", "null"}});
    CHECK(run_check(null, "health-network-interfaces").outcome == Outcome::unknown);
  }

  TEST_CASE("is unknown when the report lists no interfaces and no severity")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/network/interfaces.json", R"({})"}});
    CHECK(run_check(s, "health-network-interfaces").outcome == Outcome::unknown);
  }
}
