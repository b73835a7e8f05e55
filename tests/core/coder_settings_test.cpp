#include "../analyzers/builders.hpp"
#include "../support/support.hpp"

#include <core/model/coder_settings.hpp>
#include <core/model/tiers.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("model/coder_settings")
{
  TEST_CASE("env wins over envFrom, and the support bundle's value_source wins over both")
  {
    Json d = coderd_deployment(3, Json::array({env("CODER_PROMETHEUS_ENABLE", "true")}));
    d = with(d, "/spec/template/spec/containers/0/envFrom", Json::array({{{"configMapRef", {{"name", "coder-env"}}}}}));
    const Json cm = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "coder-env"}, {"namespace", "coder"}}},
                     {"data", {{"CODER_PROMETHEUS_ENABLE", "false"}, {"CODER_PROVISIONER_DAEMONS", "0"}}}};
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({d})},
                                      {"cluster-resources/configmaps/coder.json", list({cm})}});
    const ServerSetting prom = server_setting(s, "CODER_PROMETHEUS_ENABLE");
    CHECK(prom.state == ServerSetting::State::set);
    CHECK(prom.value == "true");
    CHECK(server_setting(s, "CODER_PROVISIONER_DAEMONS").value == "0");
    CHECK(server_setting(s, "CODER_SUPPORT_LINKS").state == ServerSetting::State::unset);

    const Snapshot with_config = snapshot_from({
      {"cluster-resources/deployments/coder.json", list({d})},
      {"coder/support-bundle/deployment/config.json",
       R"({"options": [{"env": "CODER_PROMETHEUS_ENABLE", "value": "false", "value_source": "default", "default": "false"},
                       {"env": "CODER_PG_CONNECTION_URL", "value": null, "value_source": "env", "annotations": {"secret": "true"}}]})"},
    });
    const ServerSetting from_config = server_setting(with_config, "CODER_PROMETHEUS_ENABLE");
    CHECK(from_config.state == ServerSetting::State::unset);
    CHECK(from_config.sources.size() == 2);
    const ServerSetting pg = server_setting(with_config, "CODER_PG_CONNECTION_URL");
    CHECK(pg.state == ServerSetting::State::set);
    CHECK_FALSE(pg.value.has_value());
  }

  TEST_CASE("tiers: the smallest covering tier, both editions, and observed user counts")
  {
    CHECK(tier_for_users(1000) == "1k");
    CHECK(tier_for_users(1001) == "2k");
    CHECK(tier_for_users(2140) == "3k");
    CHECK(tier_for_users(50000) == "10k");
    CHECK(find_tier("2k", Edition::current)->coderd_memory_gib == 12);
    CHECK(find_tier("2k", Edition::previous)->coderd_memory_gib == 16);
    CHECK(find_tier("10k", Edition::previous)->edition == Edition::current);
    CHECK(find_tier("5k", Edition::current) == nullptr);
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/entitlements.json",
                                       R"({"features": {"user_limit": {"limit": 2000, "actual": 2140}}})"}});
    const auto users = observed_user_count(s);
    REQUIRE(users.has_value());
    CHECK(users->users == 2140);
    CHECK(users->pointer == "/features/user_limit/actual");
  }
}
