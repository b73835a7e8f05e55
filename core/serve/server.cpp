#include "server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>

namespace cva::serve {

namespace {

// httplib listens with a backlog of 5; kubectl opens a burst of connections for discovery, and
// a full backlog costs it a one-second SYN retry, so widen the queue once bound.
class Listener : public httplib::Server
{
public:
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }

  // stop() does nothing until the accept loop runs; shutting the listening socket down as well
  // makes a loop that starts later end at once, so a stop between bind and run is not lost.
  void halt()
  {
    stop();
    const socket_t sock = svr_sock_;
    if (sock != INVALID_SOCKET) {
      ::shutdown(sock, SHUT_RDWR);
    }
  }
};

constexpr std::size_t k_threads = 64;

} // namespace

struct HttpServer::Impl
{
  const ApiServer& api;
  HttpOptions options;
  Listener server;
  int port = 0;
  std::mutex log_mutex;

  Impl(const ApiServer& a, HttpOptions o) : api(a), options(std::move(o)) {}

  void handle(const httplib::Request& req, httplib::Response& res);
};

void HttpServer::Impl::handle(const httplib::Request& req, httplib::Response& res)
{
  const auto start = std::chrono::steady_clock::now();
  const FaultDecision fault = options.faults.decide(req.path);
  if (fault.delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(fault.delay_ms));
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
    request.params.insert(req.params.begin(), req.params.end());
    request.accept = req.get_header_value("Accept");
    request.coder_session_token = req.get_header_value("Coder-Session-Token");
    out = api.handle(request);
  }

  res.status = out.status;
  for (const std::string& warning : out.warnings) {
    std::string quoted;
    for (const char c : warning) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c == '\n' ? ' ' : c;
    }
    res.set_header("Warning", fmt::format("299 - \"{}\"", quoted));
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
  if (fault.drop) {
    // Declare the whole body, send half, then fail: the client sees the connection break mid-body.
    auto body = std::make_shared<std::string>(std::move(out.body));
    const std::size_t half = body->size() / 2;
    res.set_content_provider(std::max<std::size_t>(body->size(), 1), out.content_type,
                             [body, half](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset < half) {
                                 sink.write(body->data() + offset, half - offset);
                                 return true;
                               }
                               return false;
                             });
  } else if (out.stream) {
    auto body = std::make_shared<std::string>(std::move(out.body));
    res.set_chunked_content_provider(out.content_type, [body](std::size_t, httplib::DataSink& sink) {
      if (!body->empty()) {
        sink.write(body->data(), body->size());
      }
      sink.done();
      return true;
    });
  } else {
    res.set_content(std::move(out.body), out.content_type);
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
}

HttpServer::HttpServer(const ApiServer& api, HttpOptions options)
  : m_impl(std::make_unique<Impl>(api, std::move(options)))
{
  std::signal(SIGPIPE, SIG_IGN);
  Impl& impl = *m_impl;
  impl.server.new_task_queue = [] { return new httplib::ThreadPool(k_threads); };
  // Headers and body go out in separate writes; without TCP_NODELAY each response can wait for
  // the client's delayed ACK (40 ms), which paging with small limits turns into seconds.
  impl.server.set_tcp_nodelay(true);
  impl.server.set_keep_alive_max_count(1000);
  impl.server.set_pre_routing_handler([&impl](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") {
      impl.handle(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    // Other methods go through the routes below, after httplib has read their bodies, so a
    // refused write leaves the connection usable.
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const auto write = [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); };
  impl.server.Post(".*", write);
  impl.server.Put(".*", write);
  impl.server.Patch(".*", write);
  impl.server.Delete(".*", write);
  impl.server.Options(".*", write);
}

HttpServer::~HttpServer()
{
  stop();
}

Result<int> HttpServer::bind()
{
  Impl& impl = *m_impl;
  if (impl.options.port == 0) {
    impl.port = impl.server.bind_to_any_port(impl.options.host);
    if (impl.port <= 0) {
      return fail(fmt::format("{}: cannot listen on a free port", impl.options.host));
    }
  } else {
    if (!impl.server.bind_to_port(impl.options.host, impl.options.port)) {
      return fail(fmt::format("{}:{}: cannot listen (is the port in use?)", impl.options.host, impl.options.port));
    }
    impl.port = impl.options.port;
  }
  impl.server.widen_backlog();
  return impl.port;
}

Result<void> HttpServer::run()
{
  if (m_impl->port == 0) {
    return fail("the server is not bound");
  }
  m_impl->server.listen_after_bind();
  return {};
}

void HttpServer::stop()
{
  m_impl->server.halt();
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
