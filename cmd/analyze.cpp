#include <cmd/cli.hpp>
#include <core/bundle/input.hpp>
#include <core/check/config.hpp>
#include <core/check/runner.hpp>
#include <core/model/snapshot.hpp>
#include <core/report/formats.hpp>
#include <core/util/error.hpp>

#include <iostream>
#include <memory>

namespace cva::cmd {

namespace {

struct AnalyzeOptions
{
  std::vector<std::string> inputs;
  std::string output = "text";
  std::string fail_on = "fail";
  CheckSelection checks;
  std::string namespace_ = "default";
};

int run_analyze(const AnalyzeOptions& opt)
{
  const auto fail_on = parse_fail_on(opt.fail_on);
  const RunOptions run = run_options_for(opt.checks);
  const Snapshot snapshot = load_snapshot(opt.inputs, opt.namespace_);
  auto report = run_checks(snapshot, run);
  if (!report) {
    throw Fatal(report.error().message, k_exit_usage);
  }
  std::cout << render_report(opt.output, *report, snapshot, RenderOptions{use_color(1), *fail_on});
  std::cout.flush();
  return report_exit_code(*report, *fail_on);
}

} // namespace

void setup_analyze(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<AnalyzeOptions>();
  CLI::App* sub = app.add_subcommand(
    "analyze", "Analyze an archive, bundle directory, manifests or Coder support bundle offline");
  sub->add_option("INPUT", opt->inputs,
                  "Our .tar.gz archive, a troubleshoot bundle (archive or directory), a "
                  "`kubectl cluster-info dump` (directory, or its output in a file or on stdin), YAML/JSON manifests (files, "
                  "directories or - for stdin), and/or a `coder support bundle` zip")
    ->required();
  add_choice_option(sub, inv, "-o,--output", opt->output, {std::begin(k_report_formats), std::end(k_report_formats)},
                    "Report format (html: one self-contained page; sarif 2.1.0; junit XML)")
    ->default_str("text");
  add_choice_option(sub, inv, "--fail-on", opt->fail_on, {"warn", "fail", "never"},
                    "Exit 3 when a check's outcome is at or above this level")
    ->default_str("fail");
  add_check_selection(sub, inv, opt->checks);
  complete_option(inv,
                  sub->add_option("-n,--namespace", opt->namespace_,
                                  "Namespace for manifests that name none (as `helm template` output)")
                    ->default_str("default"),
                  {});
  sub->footer("Exit codes: 0 clean at --fail-on, 3 findings at or above it, 1 runtime error, 2 usage error.\n\n"
              "Examples:\n  " +
              inv.program + " analyze coder-cva-prod-20261127T101500Z.tar.gz\n  " + inv.program +
              " analyze support-bundle-2026-11-27T10_15_00.tar.gz coder-support-1764238500.zip\n  helm template coder coder-v2/coder -n coder -f values.yaml | " +
              inv.program + " analyze - -n coder\n  " + inv.program + " analyze bundle.tar.gz -o json --fail-on warn\n  " + inv.program +
              " analyze bundle.tar.gz -o html > report.html\n  " + inv.program +
              " analyze bundle.tar.gz -o sarif > coder-cva.sarif\n  " + inv.program +
              " analyze bundle.tar.gz -o junit --fail-on warn > coder-cva-junit.xml");
  sub->callback([opt, &inv] { inv.exit_code = run_analyze(*opt); });
}

} // namespace cva::cmd
