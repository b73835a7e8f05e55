#include "builders.hpp"
#include "../support/support.hpp"

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("analyzers/control-plane-host-volumes")
{
  TEST_CASE("warns on a hostPath volume in coderd")
  {
    Json pod = with(coderd_pod("coder-a", "n1"), "/spec/volumes", Json::array({{{"name", "cache"}, {"hostPath", {{"path", "/var/lib/c"}}}}}));
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({pod})}});
    const CheckResult r = run_check(s, "control-plane-host-volumes");
    CHECK(r.outcome == Outcome::warn);
    CHECK(r.findings[0].evidence[0].value == "hostPath /var/lib/c");
  }

  TEST_CASE("passes a control plane without host volumes")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods/coder.json", list({coderd_pod("coder-a", "n1"), provisioner_pod("p", "n2")})}});
    CHECK(run_check(s, "control-plane-host-volumes").outcome == Outcome::pass);
  }

  TEST_CASE("is unknown when pods were forbidden")
  {
    const Snapshot s = snapshot_from({{"cluster-resources/pods-errors.json", R"(["pods is forbidden"])"}});
    CHECK(run_check(s, "control-plane-host-volumes").outcome == Outcome::unknown);
  }
}
