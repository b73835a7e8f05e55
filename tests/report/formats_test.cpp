#include <core/bundle/input.hpp>
#include <core/report/common.hpp>
#include <core/report/formats.hpp>
#include <tests/support/support.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace cva;

namespace {

const CheckInfo k_fail_info{.id = "test-fail",
                            .area = "compute",
                            .title = "A check that fails",
                            .description = "Fails on purpose.",
                            .severity = Outcome::fail,
                            .inputs = {"pods"},
                            .remediation = "Set `replicas: 3`.",
                            .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures"};
const CheckInfo k_warn_info{.id = "test-warn",
                            .area = "storage",
                            .title = "A check that warns",
                            .description = "Warns on purpose.",
                            .severity = Outcome::warn,
                            .inputs = {"pvcs"},
                            .remediation = "Use a CSI class.",
                            .doc_url = "https://coder.com/docs/install/kubernetes"};
const CheckInfo k_unknown_info{.id = "test-unknown",
                               .area = "network",
                               .title = "Workspaces reach coderd",
                               .description = "Needs policies.",
                               .severity = Outcome::fail,
                               .inputs = {"networkpolicies"},
                               .remediation = "Open the path.",
                               .doc_url = "https://coder.com/docs/admin/networking"};
const CheckInfo k_pass_info{.id = "test-pass",
                            .area = "compute",
                            .title = "A check that passes",
                            .description = "Passes.",
                            .severity = Outcome::warn,
                            .inputs = {"pods"},
                            .remediation = "Nothing.",
                            .doc_url = "https://coder.com/docs"};
const CheckInfo k_info_info{.id = "test-info",
                            .area = "network",
                            .title = "coderd reaches PostgreSQL",
                            .description = "Informs.",
                            .severity = Outcome::info,
                            .inputs = {"pods"},
                            .remediation = "Nothing.",
                            .doc_url = "https://coder.com/docs"};

// Text an archive could carry: markup, a Markdown image link, a pipe, a control character and
// an invalid UTF-8 byte.
const std::string k_hostile = "pod <script>alert(1)</script> ![x](http://evil.example/x.png) a|b \x01 bad\xff end";

Report sample_report()
{
  Report r;
  r.tool_version = "0.1.0";
  r.input_format = "coder-cva";
  r.origins = {"bundle <1>.tar.gz"};
  r.collected_at = "2026-11-20T09:12:00Z";
  r.server_version = "v1.29.6";
  r.checks.push_back(CheckResult{
    &k_fail_info,
    Outcome::fail,
    {Finding{Outcome::fail,
             "Deployment coder/coder runs 1 replica " + k_hostile,
             {ObjectRef{"Deployment", "coder", "coder"}},
             {Evidence{"cluster-resources/deployments/coder.json", "/items/0/spec/replicas", "1"},
              Evidence{"cluster-resources/pods/we ird ü.json", "", "x"}}},
     Finding{Outcome::warn, "a lesser problem", {ObjectRef{"Node", "", "node-a"}}, {}}}});
  r.checks.push_back(CheckResult{&k_warn_info,
                                 Outcome::warn,
                                 {Finding{Outcome::warn,
                                          "PVC on an in-tree class",
                                          {ObjectRef{"PersistentVolumeClaim", "ws", "home"}},
                                          {Evidence{"cluster-resources/pvcs/ws.json", "/items/0", "gp2"}}}}});
  r.checks.push_back(CheckResult{
    &k_unknown_info,
    Outcome::unknown,
    {Finding{Outcome::unknown, "networkpolicies forbidden: cannot list", {}, {}}}});
  r.checks.push_back(CheckResult{&k_pass_info, Outcome::pass, {Finding{Outcome::pass, "3 pods seen", {}, {}}}});
  r.checks.push_back(CheckResult{&k_info_info, Outcome::info, {Finding{Outcome::info, "external database", {}, {}}}});
  r.coverage["pods"] = {"collected", ""};
  r.coverage["networkpolicies"] = {"forbidden", "cannot list networkpolicies"};
  return r;
}

int count(const std::string& haystack, std::string_view needle)
{
  int n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

// True when every occurrence of `needle` in `md` follows a backslash (Markdown shows it literally).
bool only_escaped(const std::string& md, std::string_view needle)
{
  for (std::size_t pos = md.find(needle); pos != std::string::npos; pos = md.find(needle, pos + 1)) {
    if (pos == 0 || md[pos - 1] != '\\') {
      return false;
    }
  }
  return true;
}

bool valid_utf8_no_controls(const std::string& s)
{
  return clean_text(s) == s;
}

} // namespace

TEST_SUITE("report/escaping")
{
  TEST_CASE("clean_text replaces invalid UTF-8 and control characters and keeps valid text")
  {
    CHECK(clean_text("plain ü € 𝄞\ttab\nline") == "plain ü € 𝄞\ttab\nline");
    CHECK(clean_text("a\x01z") == "a\xEF\xBF\xBDz");
    CHECK(clean_text("a\xffz") == "a\xEF\xBF\xBDz");
    CHECK(clean_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");         // overlong '/'
    CHECK(clean_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    CHECK(clean_text("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");         // truncated
    CHECK(clean_text("\xEF\xBF\xBE") == "\xEF\xBF\xBD");                 // U+FFFE
  }

  TEST_CASE("markup, Markdown text and code spans neutralise what they carry")
  {
    CHECK(markup_escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
    const std::string md = markdown_escape("![x](http://e) *b* <i> a|b\nc");
    CHECK(md == "!\\[x\\](http://e) \\*b\\* \\<i\\> a\\|b c");
    CHECK(markdown_code("a`b") == "``a`b``");
    CHECK(markdown_code("`x") == "`` `x ``");
    CHECK(markdown_code("a|b", true) == "`a\\|b`");
    CHECK(markdown_code("a|b") == "`a|b`");
  }
}

TEST_SUITE("report/markdown")
{
  TEST_CASE("lists the summary, failing checks with evidence and fixes, then the passing ones")
  {
    const std::string md = render_markdown(sample_report());
    CHECK(md.starts_with("# Coder validated architecture report\n"));
    CHECK(md.find("| compute | FAIL | 1 | 0 | 0 | 0 | 1 |") != std::string::npos);
    CHECK(md.find("#### FAIL `test-fail`: A check that fails") != std::string::npos);
    CHECK(md.find("`cluster-resources/deployments/coder.json /items/0/spec/replicas = 1`") != std::string::npos);
    CHECK(md.find("- **Fix:** Set `replicas: 3`.") != std::string::npos);
    CHECK(md.find("#### UNKNOWN `test-unknown`") != std::string::npos);
    CHECK(md.find("## Passed\n\n- `test-pass` (compute) A check that passes: 3 pods seen") != std::string::npos);
    CHECK(md.find("| `networkpolicies` | forbidden | cannot list networkpolicies |") != std::string::npos);
    // Nothing from the archive may link, embed or inject HTML.
    CHECK(only_escaped(md, "<script"));
    CHECK(only_escaped(md, "](http://evil"));
    CHECK(md.find("!\\[x\\](http://evil.example/x.png)") != std::string::npos);
    CHECK(valid_utf8_no_controls(md));
  }
}

TEST_SUITE("report/sarif")
{
  TEST_CASE("has one rule per check and a located result per finding that did not pass")
  {
    const Json sarif = report_to_sarif(sample_report());
    CHECK(sarif["version"] == "2.1.0");
    CHECK(sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    REQUIRE(sarif["runs"].size() == 1);
    const Json& run = sarif["runs"][0];
    const Json& rules = run["tool"]["driver"]["rules"];
    REQUIRE(rules.size() == 5);
    std::set<std::string> ids;
    for (const Json& rule : rules) {
      ids.insert(rule["id"].get<std::string>());
      CHECK(rule["helpUri"].get<std::string>().starts_with("https://"));
      CHECK(rule["shortDescription"]["text"].is_string());
    }
    CHECK(ids.size() == 5);
    CHECK(rules[0]["name"] == "TestFail");
    CHECK(rules[0]["defaultConfiguration"]["level"] == "error");
    const Json& results = run["results"];
    REQUIRE(results.size() == 5); // fail + warn in test-fail, warn, unknown, info; the pass finding is left out
    for (const Json& result : results) {
      const std::size_t index = result["ruleIndex"].get<std::size_t>();
      REQUIRE(index < rules.size());
      CHECK(rules[index]["id"] == result["ruleId"]);
      const std::string kind = result["kind"];
      const std::string level = result["level"];
      CHECK((kind == "fail" || kind == "open" || kind == "informational"));
      CHECK((kind == "fail" ? (level == "error" || level == "warning") : level == "none"));
    }
    CHECK(results[0]["level"] == "error");
    CHECK(results[1]["level"] == "warning");
    CHECK(results[3]["kind"] == "open");
    CHECK(results[4]["kind"] == "informational");
    const Json& locations = results[0]["locations"];
    REQUIRE(locations.size() == 2);
    CHECK(locations[0]["physicalLocation"]["artifactLocation"]["uri"] == "cluster-resources/deployments/coder.json");
    CHECK(locations[0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "BUNDLE");
    CHECK(locations[1]["physicalLocation"]["artifactLocation"]["uri"] ==
          "cluster-resources/pods/we%20ird%20%C3%BC.json");
    CHECK(locations[0]["logicalLocations"][0]["fullyQualifiedName"] == "coder/Deployment/coder");
    CHECK(locations[0]["message"]["text"] == "cluster-resources/deployments/coder.json /items/0/spec/replicas = 1");
    // A finding without evidence is still located at its object.
    CHECK(results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "Node/node-a");
    CHECK_FALSE(results[3].contains("locations"));
    CHECK(run["originalUriBaseIds"].contains("BUNDLE"));
    CHECK(run["invocations"][0]["executionSuccessful"] == true);
    CHECK(valid_utf8_no_controls(results[0]["message"]["text"].get<std::string>()));
  }
}

TEST_SUITE("report/junit")
{
  TEST_CASE("fails checks at or above --fail-on and skips unknown ones with the reason")
  {
    const Report report = sample_report();
    const std::string warn = render_junit(report, FailOn::warn);
    CHECK(warn.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    CHECK(warn.find("tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"1\"") != std::string::npos);
    CHECK(count(warn, "<testcase ") == 5);
    CHECK(count(warn, "<failure ") == 2);
    CHECK(warn.find("<skipped message=\"networkpolicies forbidden: cannot list\"/>") != std::string::npos);
    CHECK(warn.find("<testsuite name=\"coder-cva.network\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\">") !=
          std::string::npos);
    const std::string fail = render_junit(report, FailOn::fail);
    CHECK(fail.find("tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
    CHECK(fail.find("<failure type=\"fail\"") != std::string::npos);
    const std::string never = render_junit(report, FailOn::never);
    CHECK(count(never, "<failure ") == 0);
    CHECK(never.find("skipped=\"1\"") != std::string::npos);
    CHECK(warn.find("<script>") == std::string::npos);
    CHECK(warn.find("&lt;script&gt;") != std::string::npos);
    CHECK(valid_utf8_no_controls(warn));
    // A real XML parser accepts it.
    const test::CommandResult lint = test::run_command({"xmllint", "--noout", "-"}, warn);
    CHECK_MESSAGE(lint.exit_code == 0, lint.err);
  }
}

TEST_SUITE("report/troubleshoot")
{
  TEST_CASE("maps each check to troubleshoot's analysis.json entry")
  {
    const Json analysis = report_to_analysis(sample_report());
    REQUIRE(analysis.is_array());
    REQUIRE(analysis.size() == 5);
    const Json& fail = analysis[0];
    CHECK(fail["name"] == "coder-cva.test-fail");
    CHECK(fail["severity"] == "error");
    CHECK(fail["insight"]["severity"] == "error");
    CHECK(fail["insight"]["primary"] == "A check that fails");
    CHECK(fail["insight"]["detail"].get<std::string>().starts_with("Deployment coder/coder runs 1 replica"));
    CHECK(fail["error"] == fail["insight"]["detail"]);
    CHECK(fail["analyzerSpec"] == "");
    CHECK(fail["labels"]["desiredPosition"] == "1");
    CHECK(fail["labels"]["outcome"] == "fail");
    CHECK(fail["involvedObject"] == Json{{"kind", "Deployment"}, {"namespace", "coder"}, {"name", "coder"}});
    CHECK(analysis[1]["severity"] == "warn");
    CHECK_FALSE(analysis[1].contains("error"));
    CHECK(analysis[2]["severity"] == "info");
    CHECK(analysis[2]["labels"]["outcome"] == "unknown");
    CHECK(analysis[3]["severity"] == "debug");
    CHECK(analysis[4]["severity"] == "info");
    const std::string text = render_analysis_json(sample_report());
    CHECK(text.starts_with("[\n    {\n        \"analyzerSpec\": \"\",\n"));
    CHECK(parse_json(text, "analysis.json").has_value());
  }
}

TEST_SUITE("report/troubleshoot")
{
  TEST_CASE("holds every check of a sample in analysis.json")
  {
    auto input = load_inputs({test::sample_archive("incident").string()});
    REQUIRE(input.has_value());
    auto snapshot = Snapshot::build(std::move(*input));
    REQUIRE(snapshot.has_value());
    auto report = run_checks(*snapshot, {});
    REQUIRE(report.has_value());
    const auto analysis = parse_json(render_analysis_json(*report), "analysis.json");
    REQUIRE(analysis.has_value());
    REQUIRE(analysis->size() == report->checks.size());
    for (std::size_t i = 0; i < report->checks.size(); ++i) {
      const CheckResult& c = report->checks[i];
      const Json& entry = (*analysis)[i];
      CAPTURE(c.info->id);
      CHECK(entry["name"] == "coder-cva." + std::string(c.info->id));
      CHECK(entry["insight"]["primary"] == c.info->title);
      CHECK(entry["labels"]["outcome"] == to_string(c.outcome));
      CHECK(entry["severity"] == (c.outcome == Outcome::fail   ? "error"
                                  : c.outcome == Outcome::warn ? "warn"
                                  : c.outcome == Outcome::pass ? "debug"
                                                               : "info"));
      CHECK(entry.contains("error") == (c.outcome == Outcome::fail));
    }
  }
}

TEST_SUITE("report/html")
{
  TEST_CASE("is one self-contained page that escapes what the archive says")
  {
    const Snapshot snapshot = test::snapshot_from({{"cluster-resources/nodes.json", R"(
- metadata:
    name: "node-<b>1</b>"
    labels:
      eks.amazonaws.com/nodegroup: "<img src=x onerror=alert(1)>"
      topology.kubernetes.io/zone: us-east-1a
  status:
    conditions: [{type: Ready, status: "True"}]
)"}});
    const std::string html = render_html(sample_report(), snapshot);
    CHECK(html.starts_with("<!DOCTYPE html>\n"));
    CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ") != std::string::npos);
    for (const char* banned : {"<script", "<img", "<link", "<iframe", "<object", "<embed", "src=\"", "@import", "url("}) {
      CAPTURE(banned);
      CHECK(html.find(banned) == std::string::npos);
    }
    CHECK(html.find("node-&lt;b&gt;1&lt;/b&gt;") != std::string::npos);
    CHECK(html.find("Node group &lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("Zone us-east-1a") != std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("bundle &lt;1&gt;.tar.gz") != std::string::npos);
    // Network paths and sizing are tables of whatever checks exist in their areas.
    const std::size_t network = html.find("<section id=\"network\">");
    const std::size_t sizing = html.find("<section id=\"sizing\">");
    REQUIRE(network != std::string::npos);
    REQUIRE(sizing != std::string::npos);
    const std::string network_section = html.substr(network, sizing - network);
    CHECK(network_section.find("Workspaces reach coderd") != std::string::npos);
    CHECK(network_section.find("coderd reaches PostgreSQL") != std::string::npos);
    CHECK(network_section.find("badge o-unknown") != std::string::npos);
    CHECK(html.find("No sizing check ran on this input.") != std::string::npos);
    CHECK(html.find("<b>How to fix:</b> Set <code>replicas: 3</code>.") != std::string::npos);
    CHECK(html.find("<td><code>cluster-resources/deployments/coder.json</code></td>") != std::string::npos);
    CHECK(valid_utf8_no_controls(html));
  }
}

TEST_SUITE("report/formats")
{
  TEST_CASE("render_report knows every format it advertises")
  {
    const Snapshot snapshot = test::snapshot_from({});
    const Report report = sample_report();
    for (const std::string_view format : k_report_formats) {
      CAPTURE(format);
      CHECK(is_report_format(format));
      CHECK_FALSE(render_report(format, report, snapshot, RenderOptions{}).empty());
    }
    CHECK_FALSE(is_report_format("pdf"));
    CHECK_THROWS_AS(render_report("pdf", report, snapshot, RenderOptions{}), std::invalid_argument);
  }
}
