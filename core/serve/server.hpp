#pragma once

#include <core/serve/api.hpp>
#include <core/serve/faults.hpp>
#include <core/util/result.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cva::serve {

// How to put an ApiServer on HTTP.
struct HttpOptions
{
  std::string host = "127.0.0.1"; // loopback only: the server has no authentication
  int port = 0;                   // 0: a free port chosen by the system
  FaultPlan faults;               // test-only faults (faults.hpp)
  // Receives one line per request: `METHOD TARGET STATUS DURATION [notes]`, no newline. Called
  // from the serving threads, one call at a time.
  std::function<void(const std::string&)> log;
};

// Plain-HTTP server for an ApiServer: answers every request through ApiServer::handle() after
// applying the fault plan, logs each request, and streams watches. The process ignores SIGPIPE
// once a server exists, so a client that hangs up cannot kill it.
class HttpServer
{
public:
  HttpServer(const ApiServer& api, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on the configured host and port; returns the port. An error names the
  // address.
  Result<int> bind();

  // Serves until stop() (from any thread or a signal-handling thread). Requires bind().
  Result<void> run();

  // Makes run() return; safe to call from any thread, before or during run().
  void stop();

  // `http://host:port`, valid after bind().
  std::string url() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A kubeconfig (YAML) with one cluster at `server_url`, one user without credentials and one
// context, all named `name`, made current.
std::string render_kubeconfig(std::string_view server_url, std::string_view name);

} // namespace cva::serve
