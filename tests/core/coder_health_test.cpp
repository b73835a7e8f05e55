#include <core/model/coder_health.hpp>

#include <doctest/doctest.h>

using namespace cva;

TEST_SUITE("model/coder_health")
{
  TEST_CASE("reads both warning shapes, plain strings, nested DERP warnings and errors")
  {
    const Json doc = Json::parse(R"({
      "severity": "error", "coder_version": "v2.16.1",
      "access_url": {"severity": "warning", "warnings": [{"code": "EACS03", "message": "m1"}]},
      "database": {"healthy": false, "warnings": [{"Code": "EDB02", "Message": "slow"}], "latency_ms": 42, "threshold_ms": 15},
      "derp": {"severity": "warning", "warnings": ["ESTUN02: hard NAT"],
               "regions": {"1": {"warnings": [{"code": "EDERP01", "message": "websocket"}], "node_reports": [{"warnings": ["EDERP01: websocket"]}]}}},
      "provisioner_daemons": {"severity": "error", "error": "EPD01: none", "items": [
        {"provisioner_daemon": {"name": "p1", "version": "v2.14.2"}, "warnings": [{"code": "EPD02", "message": "old"}]}]}
    })");
    const HealthReport r = parse_health_report(doc, "h.json", Json::parse(R"({"dismissed_healthchecks": ["Websocket"]})"));
    CHECK(r.section("access_url")->codes() == std::vector<std::string>{"EACS03"});
    CHECK(r.section("database")->severity == "error");
    CHECK(r.section("database")->codes() == std::vector<std::string>{"EDB02"});
    CHECK(r.db_latency_ms == 42);
    CHECK(r.section("derp")->codes() == std::vector<std::string>{"ESTUN02", "EDERP01"});
    CHECK(r.section("provisioner_daemons")->codes() == std::vector<std::string>{"EPD01", "EPD02"});
    REQUIRE(r.provisioners.size() == 1);
    CHECK(r.provisioners[0].version == "v2.14.2");
    CHECK(r.section("websocket")->dismissed);
    CHECK_FALSE(r.section("websocket")->present);
    CHECK_FALSE(r.section("usage_publishing")->present);
  }

  TEST_CASE("an older report: severities derived from `healthy`, database warnings as strings")
  {
    const Json doc = Json::parse(R"({"healthy": false,
      "database": {"healthy": false, "reachable": true, "latency": "20ms", "warnings": ["EDB02: slow"], "error": null},
      "websocket": {"healthy": true}})");
    const HealthReport r = parse_health_report(doc, "old.json", Json());
    CHECK(r.severity == "error");
    CHECK(r.section("database")->severity == "error");
    CHECK(r.section("database")->codes() == std::vector<std::string>{"EDB02"});
    CHECK(r.section("database")->error.empty());
    CHECK(r.section("websocket")->severity == "ok");
    CHECK_FALSE(r.db_latency_ms.has_value());
  }

  TEST_CASE("knows every documented code and links to its anchor")
  {
    for (const char* code : {"EUNKNOWN", "EACS01", "EACS02", "EACS03", "EACS04", "EDB01", "EDB02", "EDERP01", "EDERP02",
                             "ESTUN01", "ESTUN02", "EWS01", "EWS02", "EWS03", "EWP01", "EWP02", "EWP03", "EWP04", "EPD01",
                             "EPD02", "EPD03", "EIF01"}) {
      CHECK_MESSAGE(find_health_code(code) != nullptr, code);
    }
    CHECK(find_health_code("edb02") != nullptr);
    CHECK(health_code_url("EDB02") == "https://coder.com/docs/admin/monitoring/health-check#edb02");
    CHECK(describe_health_code("EXYZ99").find("does not know") != std::string::npos);
  }
}
