#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {
Json app_pod(std::string_view ns, std::string_view name)
{
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", "acme/app:1"}}})}}},
          {"status", {{"phase", "Running"}}}};
}
} // namespace

TEST_SUITE("analyzers/dedicated-cluster")
{
  TEST_CASE("flags application pods beside Coder")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/pods/payments.json", list({app_pod("payments", "api-1")})}});
    const CheckResult r = run_check(s, "dedicated-cluster");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].message.find("payments (1 pod(s))") != std::string::npos);
  }

  TEST_CASE("passes Coder with cluster add-ons only")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1")})},
                                      {"cluster-resources/pods/kube-system.json", list({app_pod("kube-system", "coredns-1")})},
                                      {"cluster-resources/pods/ingress-nginx.json", list({app_pod("ingress-nginx", "controller-1")})}});
    CHECK(run_check(s, "dedicated-cluster").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "dedicated-cluster").outcome == Outcome::unknown);
  }
}
