#include <cmd/cli.hpp>
#include <core/bundle/archive.hpp>
#include <core/model/snapshot.hpp>
#include <core/serve/api.hpp>
#include <core/serve/server.hpp>
#include <core/util/error.hpp>
#include <core/util/time.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

namespace cva::cmd {

namespace {

namespace fs = std::filesystem;

// Environment variable naming the request log file when --log is not given (for tests that
// start `serve` indirectly).
constexpr const char* k_log_env = "CODER_CVA_SERVE_LOG";

struct ServeOptions
{
  std::vector<std::string> inputs;
  int port = 0;
  std::string kubeconfig_out;
  std::string log_file;
  std::string namespace_ = "default";
};

// Removes the kubeconfig (and the private directory holding it, if serve made one) on every
// exit path.
class CreatedFiles
{
public:
  ~CreatedFiles()
  {
    std::error_code ec;
    if (!m_file.empty()) {
      fs::remove(m_file, ec);
    }
    if (!m_dir.empty()) {
      fs::remove(m_dir, ec);
    }
  }
  void set_file(fs::path file) { m_file = std::move(file); }
  void set_dir(fs::path dir) { m_dir = std::move(dir); }

private:
  fs::path m_file;
  fs::path m_dir;
};

std::string shell_quote(const std::string& s)
{
  const bool plain = std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || std::string_view("_./-:+@%=,").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain && !s.empty()) {
    return s;
  }
  std::string out = "'";
  for (const char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// A kubeconfig name for the input: its top directory or file name, in kubeconfig-friendly form.
std::string context_name(const std::string& top_dir, const std::string& first_input)
{
  std::string base = top_dir.empty() ? fs::path(first_input).filename().string() : top_dir;
  for (const char* ext : {".tar.gz", ".tgz", ".tar", ".zip", ".yaml", ".yml", ".json"}) {
    if (base.ends_with(ext)) {
      base.resize(base.size() - std::strlen(ext));
    }
  }
  std::string out = "coder-cva";
  if (!base.empty() && base != "-") {
    out += "-";
    for (const char c : base) {
      out += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ? c : '-';
    }
  }
  return out;
}

int run_serve(const ServeOptions& opt)
{
  auto faults = serve::FaultPlan::from_environment();
  if (!faults) {
    throw Fatal(faults.error().message, k_exit_usage);
  }
  if (opt.port < 0 || opt.port > 65535) {
    throw Fatal(fmt::format("--port {}: not a TCP port (0 picks a free one)", opt.port), k_exit_usage);
  }
  if (!opt.kubeconfig_out.empty() && fs::exists(opt.kubeconfig_out)) {
    throw Fatal(fmt::format("{}: already exists; serve writes a new kubeconfig and removes it on exit, "
                            "so it will not overwrite one",
                            opt.kubeconfig_out),
                k_exit_usage);
  }
  std::string log_file = opt.log_file;
  if (log_file.empty()) {
    if (const char* env = std::getenv(k_log_env); env != nullptr) {
      log_file = env;
    }
  }
  std::unique_ptr<std::ofstream> log_stream;
  if (!log_file.empty()) {
    log_stream = std::make_unique<std::ofstream>(log_file, std::ios::app);
    if (!*log_stream) {
      throw Fatal(fmt::format("{}: cannot open the request log for writing", log_file));
    }
  }

  std::string top_dir;
  const Snapshot snapshot = load_snapshot(opt.inputs, opt.namespace_, &top_dir);
  const std::string name = context_name(top_dir, opt.inputs.front());
  const serve::ApiServer api(snapshot);

  // SIGINT and SIGTERM go to one waiting thread, which stops the server; block them before any
  // other thread exists so none of them receives the signal instead.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::HttpOptions http_options;
  http_options.port = opt.port;
  http_options.faults = std::move(*faults);
  http_options.log = [stream = log_stream.get()](const std::string& line) {
    std::ostream& out = stream != nullptr ? *stream : std::cerr;
    out << line << '\n';
    out.flush();
  };
  serve::HttpServer http(api, std::move(http_options));
  auto port = http.bind();
  if (!port) {
    throw Fatal(port.error().message);
  }

  CreatedFiles created;
  fs::path kubeconfig;
  if (!opt.kubeconfig_out.empty()) {
    kubeconfig = fs::absolute(opt.kubeconfig_out);
  } else {
    std::string tmpl = (fs::temp_directory_path() / "coder-cva-serve-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw Fatal(fmt::format("{}: cannot create a private directory for the kubeconfig", tmpl));
    }
    created.set_dir(tmpl);
    kubeconfig = fs::path(tmpl) / "kubeconfig";
  }
  if (auto written = write_file_atomic(kubeconfig, serve::render_kubeconfig(http.url(), name), 0600); !written) {
    throw Fatal(written.error().message);
  }
  created.set_file(kubeconfig);

  std::cout << "export KUBECONFIG=" << shell_quote(kubeconfig.string()) << std::endl;
  std::cerr << fmt::format(
    "serving {} ({}) read-only at {}; {}; stop with Ctrl-C\n", fmt::join(opt.inputs, " "), to_string(snapshot.format),
    http.url(),
    api.collection_time_known()
      ? fmt::format("collected {}: AGE columns are relative to that time, not now",
                    format_rfc3339(api.reference_time()))
      : std::string("the bundle does not say when it was collected: AGE columns are relative to when serve started"));

  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    stopping = true;
    http.stop();
  });
  auto ran = http.run();
  if (!stopping) {
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  if (!ran) {
    throw Fatal(ran.error().message);
  }
  return k_exit_ok;
}

} // namespace

void setup_serve(CLI::App& app, Invocation& inv)
{
  auto opt = std::make_shared<ServeOptions>();
  CLI::App* sub = app.add_subcommand(
    "serve", "Serve a bundle as a read-only Kubernetes API for kubectl get, describe and logs");
  sub->add_option("INPUT", opt->inputs,
                  "What `analyze` reads: our archive, a troubleshoot bundle (archive or directory), a "
                  "`kubectl cluster-info dump` (directory or output) or manifests, optionally with a `coder support "
                  "bundle` zip")
    ->required();
  sub->add_option("--port", opt->port, "TCP port on 127.0.0.1 (0: a free one)")->default_str("0");
  sub->add_option("--kubeconfig-out", opt->kubeconfig_out,
                  "Write the kubeconfig here (mode 0600; must not exist; removed on exit) instead of "
                  "a private temporary directory");
  sub->add_option("--log", opt->log_file,
                  "Append one line per request (method, path, status) to this file instead of stderr "
                  "(also: CODER_CVA_SERVE_LOG)");
  sub->add_option("-n,--namespace", opt->namespace_,
                  "Namespace for manifests that name none (as `helm template` output)")
    ->default_str("default");
  sub->footer("Prints `export KUBECONFIG=<file>` on stdout and serves until interrupted (SIGINT or "
              "SIGTERM), then removes the kubeconfig and exits 0. Plain HTTP on loopback, no "
              "authentication; every write answers 405. AGE columns are relative to the bundle's "
              "collection time.\n\nExamples:\n  " +
              inv.program + " serve coder-cva-prod-20261127T101500Z.tar.gz    # then, in another shell, the printed export\n  " +
              inv.program + " serve support-bundle-2026-11-27T10_15_00/ --kubeconfig-out ./bundle.kubeconfig &\n"
              "  KUBECONFIG=./bundle.kubeconfig kubectl get pods -A -o wide");
  sub->callback([opt, &inv] { inv.exit_code = run_serve(*opt); });
}

} // namespace cva::cmd
