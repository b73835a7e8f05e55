#include "../support/support.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace cva;
using namespace cva::test;

namespace {

std::map<std::string, std::string> outcomes(std::string_view sample)
{
  const CommandResult r = run_cli({"analyze", sample_archive(sample).string(), "-o", "json", "--fail-on", "never"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const Json report = Json::parse(r.out);
  std::map<std::string, std::string> out;
  for (const Json& c : report.at("checks")) {
    out[c.at("id").get<std::string>()] = c.at("outcome").get<std::string>();
  }
  REQUIRE(out.size() >= 40);
  return out;
}

} // namespace

TEST_SUITE("samples")
{
  TEST_CASE("cli: the compliant sample raises no warn or fail")
  {
    for (const auto& [id, outcome] : outcomes("compliant")) {
      // Plain locals: clang 14 cannot capture a structured binding.
      const bool clean = outcome != "warn" && outcome != "fail";
      const std::string line = id + " is " + outcome;
      CHECK_MESSAGE(clean, line);
    }
  }

  TEST_CASE("cli: the incident sample trips most of the catalogue")
  {
    const auto all = outcomes("incident");
    int tripped = 0;
    for (const auto& [id, outcome] : all) {
      tripped += outcome == "warn" || outcome == "fail" ? 1 : 0;
    }
    CHECK(tripped * 2 > static_cast<int>(all.size())); // most of the catalogue
    for (const char* id : {"coderd-hpa", "provisioner-builtin-daemons", "database-in-cluster", "workspace-storage-class",
                           "storage-binding-mode", "access-url", "image-tags", "health-provisioner-daemons", "sizing-coderd"}) {
      CHECK_MESSAGE((all.at(id) == "warn" || all.at(id) == "fail"), id);
    }
  }
}
