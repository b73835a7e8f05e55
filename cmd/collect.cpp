#include <cmd/cli.hpp>
#include <core/bundle/archive.hpp>
#include <core/bundle/input.hpp>
#include <core/bundle/paths.hpp>
#include <core/check/runner.hpp>
#include <core/collect/collect.hpp>
#include <core/kube/client.hpp>
#include <core/model/snapshot.hpp>
#include <core/redact/redactor.hpp>
#include <core/report/formats.hpp>
#include <core/report/render.hpp>
#include <core/util/error.hpp>
#include <core/util/time.hpp>

#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>

namespace cva::cmd {

namespace {

std::atomic<bool> g_cancelled{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig)
{
  g_signal = sig;
  g_cancelled = true;
  KubectlProxy::kill_from_signal_handler();
}


struct CollectCliOptions
{
  std::string output;  // a report format, or the archive path
  std::string archive; // --archive
  std::string format;  // --format
  std::vector<std::string> namespaces;
  std::vector<std::string> workspace_namespaces;
  std::string since;
  std::int64_t max_log_lines = 5000;
  std::int64_t max_log_bytes = 5 << 20;
  std::vector<std::string> coder_bundles;
  std::string coder_support_bundle = "<unset>";
  std::string coder_token;
  std::vector<std::string> redact_patterns;
  bool no_analyze = false;
  bool strict = false;
  std::string fail_on = "fail";
  CheckSelection checks;
  std::string timeout = "5m";
  int concurrency = 8;
  KubectlFlags kubectl;
};

std::chrono::milliseconds duration_option(const std::string& text, const char* flag)
{
  const auto ms = parse_duration_ms(text);
  if (!ms || *ms <= 0) {
    throw Fatal(fmt::format("{} takes a duration such as 30s, 5m or 1h, not '{}'", flag, text), k_exit_usage);
  }
  return std::chrono::milliseconds(*ms);
}

std::string default_archive_name(const std::string& context, const std::string& collected_at)
{
  std::string safe;
  for (const char c : context) {
    safe += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.') ? c : '_';
  }
  std::string stamp = collected_at;
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  return fmt::format("coder-cva-{}-{}.tar.gz", safe.empty() ? "cluster" : safe, stamp);
}

int run_collect(CollectCliOptions opt)
{
  // -o is the report format when it names one, and the archive path otherwise.
  std::string format = opt.format.empty() ? "text" : opt.format;
  std::string archive = opt.archive;
  if (!opt.output.empty()) {
    if (is_report_format(opt.output)) {
      format = opt.output;
    } else {
      archive = opt.output;
    }
  }
  if (!is_report_format(format)) {
    throw Fatal(fmt::format("unknown report format '{}'", format), k_exit_usage);
  }
  const auto fail_on = parse_fail_on(opt.fail_on);
  if (!fail_on) {
    throw Fatal(fmt::format("--fail-on takes warn, fail or never, not '{}'", opt.fail_on), k_exit_usage);
  }
  const RunOptions run = run_options_for(opt.checks);
  CollectOptions options;
  options.kubectl = opt.kubectl;
  if (const char* k = std::getenv("KUBECTL"); k != nullptr && k[0] != '\0' && options.kubectl.kubectl == "kubectl") {
    options.kubectl.kubectl = k;
  }
  options.coder_namespaces = opt.namespaces;
  options.workspace_namespaces = opt.workspace_namespaces;
  if (!opt.since.empty()) {
    options.since = std::chrono::duration_cast<std::chrono::seconds>(duration_option(opt.since, "--since"));
  }
  if (opt.max_log_lines <= 0 || opt.max_log_bytes <= 0) {
    throw Fatal("--max-log-lines and --max-log-bytes must be positive", k_exit_usage);
  }
  options.max_log_lines = opt.max_log_lines;
  options.max_log_bytes = opt.max_log_bytes;
  options.coder_bundles = opt.coder_bundles;
  if (opt.coder_support_bundle != "<unset>") {
    options.coder_support_workspace = opt.coder_support_bundle;
  }
  options.coder_token = opt.coder_token;
  if (options.coder_token.empty()) {
    if (const char* t = std::getenv("CODER_SESSION_TOKEN"); t != nullptr) {
      options.coder_token = t;
    }
  }
  options.redact_patterns = opt.redact_patterns;
  if (auto patterns = Redactor::create(options.redact_patterns); !patterns) {
    throw Fatal(fmt::format("--redact-pattern: {}", patterns.error().message), k_exit_usage);
  }
  options.timeout = duration_option(opt.timeout, "--timeout");
  // --request-timeout goes to kubectl proxy and bounds each of our requests too ("0": only
  // the overall --timeout).
  if (!opt.kubectl.request_timeout.empty() && opt.kubectl.request_timeout != "0") {
    options.request_timeout = duration_option(opt.kubectl.request_timeout, "--request-timeout");
  } else if (opt.kubectl.request_timeout == "0") {
    options.request_timeout = options.timeout;
  }
  options.concurrency = opt.concurrency;
  for (const std::string& zip : options.coder_bundles) {
    if (::access(zip.c_str(), R_OK) != 0) {
      throw Fatal(fmt::format("{}: cannot read the Coder support bundle", zip), k_exit_usage);
    }
  }

  const bool tty = ::isatty(2) == 1;
  options.on_line = [tty](const std::string& line) {
    std::cerr << (tty ? "\r\033[K" : "") << line << "\n";
  };
  if (tty) {
    options.on_progress = [](int done, int total) { std::cerr << fmt::format("\r\033[K  {} of {} ...", done, total) << std::flush; };
  }

  struct sigaction sa{};
  sa.sa_handler = &on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  std::cerr << "Collecting (read-only, through kubectl proxy)...\n";
  auto collected = collect(options, g_cancelled);
  if (g_cancelled.load()) {
    std::cerr << (tty ? "\r\033[K" : "") << "kubectl-coder_cva: interrupted; nothing was written\n";
    return 128 + (g_signal.load() == 0 ? SIGINT : g_signal.load());
  }
  if (!collected) {
    throw Fatal(collected.error().message);
  }
  if (tty) {
    std::cerr << "\r\033[K";
  }
  if (archive.empty()) {
    archive = default_archive_name(collected->context, collected->collected_at);
  }

  // Analyze the bundle exactly as `analyze` would read the archive; the results travel in it as our
  // JSON report and in troubleshoot's analysis.json shape.
  std::optional<Report> report;
  std::optional<Snapshot> snapshot;
  if (!opt.no_analyze) {
    LoadedInput input;
    input.bundle = collected->bundle;
    input.origins = {archive};
    auto built = Snapshot::build(std::move(input));
    if (!built) {
      throw Fatal(fmt::format("cannot analyze the collected data: {}", built.error().message));
    }
    snapshot.emplace(std::move(*built));
    auto r = run_checks(*snapshot, run);
    if (!r) {
      throw Fatal(r.error().message);
    }
    report = std::move(*r);
    collected->bundle.put(std::string(paths::k_report), render_json(*report));
    collected->bundle.put(std::string(paths::k_analysis), render_analysis_json(*report));
  }
  const std::string top = default_archive_name(collected->context, collected->collected_at);
  const std::time_t mtime = static_cast<std::time_t>(parse_rfc3339(collected->collected_at).value_or(unix_now()));
  if (g_cancelled.load()) {
    std::cerr << "kubectl-coder_cva: interrupted; nothing was written\n";
    return 128 + g_signal.load();
  }
  auto written = write_tar_gz(collected->bundle, archive, top.substr(0, top.size() - 7), mtime);
  if (!written) {
    throw Fatal(written.error().message);
  }
  int code = k_exit_ok;
  if (report) {
    std::cout << render_report(format, *report, *snapshot, RenderOptions{use_color(1), *fail_on});
    std::cout.flush();
    code = report_exit_code(*report, *fail_on);
  }
  std::cerr << fmt::format("Wrote {} ({} files{})\n", archive, collected->bundle.size(),
                           collected->complete ? "" : "; incomplete: see coder-cva/manifest.json");
  if (opt.strict && !collected->complete) {
    return k_exit_incomplete;
  }
  return code;
}

} // namespace

void setup_collect(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<CollectCliOptions>();
  CLI::App* sub = app.add_subcommand("collect", "Collect the cluster's and Coder's state into an archive (read-only), then analyze it");
  sub->add_option("-o,--output", opt->output,
                  "Report format (text, json, yaml, markdown, html, sarif, junit) or, for anything else, the archive path");
  sub->add_option("--archive", opt->archive, "Archive path (default coder-cva-<context>-<UTC time>.tar.gz)");
  add_choice_option(sub, inv, "--format", opt->format, {std::begin(k_report_formats), std::end(k_report_formats)},
                    "Report format");
  sub->add_option("-n,--namespace", opt->namespaces, "Coder's namespace(s) (default: found from coderd pods)");
  sub->add_option("--workspace-namespace", opt->workspace_namespaces, "Workspace namespace(s) (default: found from workspace pods)");
  sub->add_option("--since", opt->since, "Only logs newer than this (5m, 2h); never lifts the byte cap");
  sub->add_option("--max-log-lines", opt->max_log_lines, "Lines kept per container log")->default_str("5000");
  sub->add_option("--max-log-bytes", opt->max_log_bytes, "Bytes kept per container log")->default_str("5242880");
  sub->add_option("--coder-bundle", opt->coder_bundles, "Add an existing `coder support bundle` zip (redacted, unpacked)");
  sub->add_option("--coder-support-bundle", opt->coder_support_bundle,
                  "Run `coder support bundle [WORKSPACE]` with the coder CLI and add its zip")
    ->expected(0, 1)
    ->default_str("");
  sub->add_option("--coder-token", opt->coder_token, "Coder session token for the config, health, entitlements and stats (or CODER_SESSION_TOKEN)");
  sub->add_option("--redact-pattern", opt->redact_patterns, "Also redact matches of this RE2 regex (its first group, if it has one)");
  sub->add_flag("--no-analyze", opt->no_analyze, "Only write the archive");
  sub->add_flag("--strict", opt->strict, "Exit 4 when anything could not be collected");
  sub->add_option("--fail-on", opt->fail_on, "Exit 3 when a check's outcome is at or above this level")
    ->check(CLI::IsMember({"warn", "fail", "never"}))
    ->default_str("fail");
  add_check_selection(sub, inv, opt->checks);
  sub->add_option("--timeout", opt->timeout, "Deadline for the whole collection")->default_str("5m");
  sub->add_option("--concurrency", opt->concurrency, "Requests in flight at once")->default_str("8");
  sub->add_option("--kubectl", opt->kubectl.kubectl, "kubectl binary (or KUBECTL)")->default_str("kubectl");
  sub->add_option("--kubeconfig", opt->kubectl.kubeconfig, "kubectl: path to the kubeconfig file");
  sub->add_option("--context", opt->kubectl.context, "kubectl: the kubeconfig context to use");
  sub->add_option("--cluster", opt->kubectl.cluster, "kubectl: the kubeconfig cluster to use");
  sub->add_option("--user", opt->kubectl.user, "kubectl: the kubeconfig user to use");
  sub->add_option("--as", opt->kubectl.as, "kubectl: user to impersonate");
  sub->add_option("--as-group", opt->kubectl.as_groups, "kubectl: group to impersonate (repeatable)");
  sub->add_option("--request-timeout", opt->kubectl.request_timeout,
                  "Timeout of each API request, also passed to kubectl proxy (default 30s; 0: only --timeout)");
  sub->footer("Writes the archive atomically (a temporary file renamed at the end), prints the report on stdout and\n"
              "progress on stderr. Exit codes: 0 clean at --fail-on, 3 findings at or above it, 4 incomplete\n"
              "collection (only with --strict), 1 runtime error, 2 usage error.\n\nExamples:\n  " +
              inv.program + " collect\n  " + inv.program + " collect --context prod -n coder --since 2h -o json\n  " +
              inv.program + " collect --coder-token $CODER_SESSION_TOKEN --coder-bundle coder-support-1764238500.zip\n  " +
              inv.program + " collect -o /tmp/prod.tar.gz --no-analyze --strict");
  sub->callback([opt, &inv] { inv.exit_code = run_collect(*opt); });
}

} // namespace cva::cmd
