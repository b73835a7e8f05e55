#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/sizing-tier")
{
  TEST_CASE("warns when --config's tier is smaller than the users observed")
  {
    const Snapshot s = snapshot_from({{"coder/metrics/coder-a.prom",
                                       "coderd_api_total_user_count{status=\"active\"} 1500\ncoderd_api_total_user_count{status=\"dormant\"} 20\n"}});
    AnalysisOptions options;
    options.tier = "1k";
    const CheckResult r = run_check(s, "sizing-tier", options);
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[1].message.find("1500 users were observed") != std::string::npos);
  }

  TEST_CASE("derives the tier from the users and names the edition")
  {
    const Snapshot s = snapshot_from({{"coder/metrics/coder-a.prom", "coderd_api_total_user_count{status=\"active\"} 1500\n"}});
    const CheckResult r = run_check(s, "sizing-tier");
    CHECK(r.outcome == Outcome::info);
    CHECK(r.findings[0].message.find("tier 2k (1500 users") != std::string::npos);
    CHECK(r.findings[0].message.find("current reference architectures") != std::string::npos);
    AnalysisOptions previous;
    previous.edition = Edition::previous;
    CHECK(run_check(s, "sizing-tier", previous).findings[0].message.find("previous edition") != std::string::npos);
  }

  TEST_CASE("is unknown without a user count")
  {
    const Snapshot s = snapshot_from({{"coder/support-bundle/deployment/entitlements.json", "null"}});
    CHECK(run_check(s, "sizing-tier").outcome == Outcome::unknown);
  }
}
