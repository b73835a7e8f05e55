#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/support-links")
{
  TEST_CASE("reports missing support links as info")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/deployments/coder.json", list({coderd_deployment()})}});
    CHECK(run_check(s, "support-links").outcome == Outcome::info);
  }

  TEST_CASE("passes links in the deployment config or env")
  {
    const Snapshot config = snapshot_from({{"coder/api/config.json",
                                            R"({"config": {"support": {"links": [{"name": "Help", "target": "https://x"}]}}, "options": []})"}});
    CHECK(run_check(config, "support-links").outcome == Outcome::pass);
    const Snapshot env_set = snapshot_from({{"cluster-resources/deployments/coder.json",
                                             list({coderd_deployment(3, Json::array({env("CODER_SUPPORT_LINKS", "[{\"name\":\"x\"}]")}))})}});
    CHECK(run_check(env_set, "support-links").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when nothing about coderd was collected")
  {
    CHECK(run_check(snapshot_from({}), "support-links").outcome == Outcome::unknown);
  }
}
