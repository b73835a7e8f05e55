#include <core/bundle/input.hpp>
#include <core/report/formats.hpp>
#include <core/util/json.hpp>
#include <tests/support/support.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

namespace {

// `%XX` escapes of a relative URI reference decoded.
std::string decode_uri(const std::string& uri)
{
  std::string out;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size()) {
      out += static_cast<char>(std::stoi(uri.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += uri[i];
    }
  }
  return out;
}

int attribute(const std::string& xml, const std::string& element, const std::string& name)
{
  const std::size_t at = xml.find("<" + element + " ");
  REQUIRE(at != std::string::npos);
  const std::size_t value = xml.find(name + "=\"", at);
  REQUIRE(value != std::string::npos);
  return std::stoi(xml.substr(value + name.size() + 2));
}

} // namespace

TEST_CASE("cli: analyze renders both samples in every report format")
{
  for (const char* sample : {"incident", "compliant"}) {
    const std::string archive = sample_archive(sample).string();
    const int expected_exit = std::string_view(sample) == "incident" ? 3 : 0;
    for (const std::string_view format : k_report_formats) {
      CAPTURE(sample);
      CAPTURE(format);
      const CommandResult r = run_cli({"analyze", archive, "-o", std::string(format)});
      CHECK_MESSAGE(r.exit_code == expected_exit, r.err);
      CHECK(r.err.empty());
      CHECK(r.out.size() > 500);
    }
  }
  const CommandResult bad = run_cli({"analyze", sample_archive("incident").string(), "-o", "pdf"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("pdf") != std::string::npos);
}

TEST_CASE("cli: SARIF locations point at paths that exist in the analyzed archive")
{
  const std::string archive = sample_archive("incident").string();
  auto input = load_inputs({archive});
  REQUIRE(input.has_value());
  const CommandResult r = run_cli({"analyze", archive, "-o", "sarif"});
  const auto sarif = parse_json(r.out, "sarif");
  REQUIRE(sarif.has_value());
  const Json& run = (*sarif)["runs"][0];
  const auto json = parse_json(run_cli({"analyze", archive, "-o", "json"}).out, "json");
  REQUIRE(json.has_value());
  CHECK(run["tool"]["driver"]["rules"].size() == (*json)["checks"].size());
  int located = 0;
  int errors = 0;
  for (const Json& result : run["results"]) {
    errors += result["level"] == "error" ? 1 : 0;
    for (const Json& location : result.value("locations", Json::array())) {
      if (!location.contains("physicalLocation")) {
        continue;
      }
      const std::string uri = location["physicalLocation"]["artifactLocation"]["uri"];
      CAPTURE(uri);
      CHECK(input->bundle.contains(decode_uri(uri)));
      ++located;
    }
  }
  CHECK(errors >= 3);
  CHECK(located >= 5);
}

TEST_CASE("cli: JUnit output follows --fail-on and is well-formed XML")
{
  const std::string archive = sample_archive("incident").string();
  const CommandResult warn = run_cli({"analyze", archive, "-o", "junit", "--fail-on", "warn"});
  const CommandResult fail = run_cli({"analyze", archive, "-o", "junit"});
  const CommandResult never = run_cli({"analyze", archive, "-o", "junit", "--fail-on", "never"});
  CHECK(never.exit_code == 0);
  const auto json = parse_json(run_cli({"analyze", archive, "-o", "json"}).out, "json");
  REQUIRE(json.has_value());
  const Json& summary = (*json)["summary"];
  CHECK(attribute(warn.out, "testsuites", "tests") == static_cast<int>((*json)["checks"].size()));
  CHECK(attribute(warn.out, "testsuites", "failures") == summary["fail"].get<int>() + summary["warn"].get<int>());
  CHECK(attribute(fail.out, "testsuites", "failures") == summary["fail"].get<int>());
  CHECK(attribute(never.out, "testsuites", "failures") == 0);
  CHECK(attribute(warn.out, "testsuites", "skipped") == summary["unknown"].get<int>());
  for (const CommandResult* r : {&warn, &fail, &never}) {
    const CommandResult lint = run_command({"xmllint", "--noout", "-"}, r->out);
    CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  }
}
