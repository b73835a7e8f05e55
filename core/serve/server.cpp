#include "server.hpp"

#include <core/http/server.hpp>

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace cva::serve {

namespace {

// Workers answer requests; idle keep-alive connections cost none. Injected delays hold one each,
// so leave room for a collect run's concurrency (at most 64) on top of kubectl's.
constexpr std::size_t k_threads = 64;

} // namespace

struct HttpServer::Impl
{
  const ApiServer& api;
  HttpOptions options;
  std::unique_ptr<http::Server> server;
  int port = 0;
  std::mutex log_mutex;
  std::mutex stop_mutex;
  std::condition_variable stop_signal; // ends injected delays when the server stops
  bool stopped = false;

  Impl(const ApiServer& a, HttpOptions o) : api(a), options(std::move(o)) {}

  http::Response handle(const http::Request& req);
};

http::Response HttpServer::Impl::handle(const http::Request& req)
{
  const auto start = std::chrono::steady_clock::now();
  const FaultDecision fault = options.faults.decide(req.path);
  if (fault.delay_ms > 0) {
    std::unique_lock lock(stop_mutex);
    stop_signal.wait_for(lock, std::chrono::milliseconds(fault.delay_ms), [this] { return stopped; });
  }
  ApiResponse out;
  if (fault.status != 0) {
    out.status = fault.status;
    out.body = status_object(fault.status, fault.status == 403 ? "Forbidden" : fault.status == 404 ? "NotFound" : "InternalError",
                             fmt::format("fault injected by {} rule '{}'", k_faults_env, fault.rule))
                 .dump();
  } else {
    ApiRequest request;
    request.method = req.method;
    request.path = req.path;
    request.params = req.params;
    request.accept = req.header("Accept");
    request.body = req.body;
    request.content_type = req.header("Content-Type");
    request.coder_session_token = req.header("Coder-Session-Token");
    out = api.handle(request);
  }

  http::Response res;
  res.status = out.status;
  res.headers.emplace_back("Content-Type", out.content_type);
  for (const std::string& warning : out.warnings) {
    std::string quoted;
    for (const char c : warning) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c == '\n' ? ' ' : c;
    }
    res.headers.emplace_back("Warning", fmt::format("299 - \"{}\"", quoted));
  }
  std::vector<std::string> notes;
  if (fault.delay_ms > 0) {
    notes.push_back(fmt::format("fault: delayed {}ms", fault.delay_ms));
  }
  if (!fault.rule.empty()) {
    notes.push_back(fmt::format("fault: {}", fault.rule));
  }
  if (!out.note.empty()) {
    notes.push_back(out.note);
  }
  res.body = std::move(out.body);
  if (fault.drop) {
    // Declare the whole body, send half, then close: the client sees the connection break mid-body.
    if (res.body.empty()) {
      res.body = "\n";
    }
    res.mode = http::Response::Mode::truncated;
    res.truncate_at = res.body.size() / 2;
  } else if (out.stream) {
    res.mode = http::Response::Mode::chunked;
  }

  if (options.log) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::string line = fmt::format("{} {} {}{} {}ms", req.method, req.target, out.status,
                                   fault.drop ? " (dropped mid-body)" : "", ms);
    for (const std::string& note : notes) {
      line += " (" + note + ")";
    }
    const std::lock_guard lock(log_mutex);
    options.log(line);
  }
  return res;
}

HttpServer::HttpServer(const ApiServer& api, HttpOptions options)
  : m_impl(std::make_unique<Impl>(api, std::move(options)))
{
  Impl& impl = *m_impl;
  http::ServerOptions server_options;
  server_options.host = impl.options.host;
  server_options.port = impl.options.port;
  server_options.threads = k_threads;
  impl.server = std::make_unique<http::Server>(server_options, [&impl](const http::Request& req) { return impl.handle(req); });
}

HttpServer::~HttpServer()
{
  stop();
}

Result<int> HttpServer::bind()
{
  Impl& impl = *m_impl;
  auto port = impl.server->bind();
  if (!port) {
    return fail(impl.options.port == 0 ? fmt::format("{}: cannot listen on a free port", impl.options.host)
                                       : fmt::format("{} (is the port in use?)", port.error().message));
  }
  impl.port = *port;
  return impl.port;
}

Result<void> HttpServer::run()
{
  return m_impl->server->run();
}

void HttpServer::stop()
{
  {
    const std::lock_guard lock(m_impl->stop_mutex);
    m_impl->stopped = true;
  }
  m_impl->stop_signal.notify_all();
  m_impl->server->stop();
}

std::string HttpServer::url() const
{
  return fmt::format("http://{}:{}", m_impl->options.host, m_impl->port);
}

std::string render_kubeconfig(std::string_view server_url, std::string_view name)
{
  return fmt::format(R"(apiVersion: v1
kind: Config
clusters:
- name: {0}
  cluster:
    server: {1}
users:
- name: {0}
  user: {{}}
contexts:
- name: {0}
  context:
    cluster: {0}
    user: {0}
current-context: {0}
preferences: {{}}
)",
                     name, server_url);
}

} // namespace cva::serve
