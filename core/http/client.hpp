#pragma once

#include <core/http/message.hpp>
#include <core/util/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// An HTTP/1.1 client that only GETs, over TCP or a unix-domain socket (`kubectl proxy
// --unix-socket`), with pooled keep-alive connections. Our own code rather than cpp-httplib:
// see socket.hpp.
namespace cva::http {

// Where a Client connects.
struct Endpoint
{
  std::string host;        // TCP host name or address; empty for a unix socket
  int port = 0;            // TCP port
  std::string socket_path; // unix-domain socket path; empty for TCP

  static Endpoint tcp(std::string host, int port) { return Endpoint{std::move(host), port, {}}; }
  static Endpoint unix_socket(std::string path) { return Endpoint{{}, 0, std::move(path)}; }

  // `host:port` or the socket path, for error messages.
  std::string describe() const;
};

struct ClientOptions
{
  // Bounds the connect, and each wait for the server to take or send bytes.
  std::chrono::milliseconds timeout{30'000};
  // A response body larger than this fails the request instead of growing without bound.
  std::size_t max_body_bytes = std::size_t{1} << 30;
  // Keep-alive connections kept for reuse; more are closed after their response.
  std::size_t max_idle_connections = 64;
  // Sent on every request, before the per-request headers. `Host` defaults to `host:port`
  // for TCP and `localhost` for a unix socket (what `kubectl proxy` accepts).
  Headers default_headers;
};

// A complete response.
struct ClientResponse
{
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;

  // The first value of header `name`, or "".
  std::string header(std::string_view name) const { return header_value(headers, name); }
};

// GETs over pooled keep-alive connections; thread-safe (each request takes its own connection).
// A request that fails on a reused connection before any byte of the response arrived (the server
// closed it while it idled) is retried once on a new connection; GET is safe to repeat. Bodies
// framed by Content-Length, chunked transfer coding or the end of the connection are read whole.
class Client
{
public:
  Client(Endpoint endpoint, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GETs `target` (an origin-form path with its query, already percent-encoded) with `headers`
  // added. Any HTTP status is a value; the error is one line saying what went wrong with which
  // endpoint and target: connection refused, nothing received within the timeout, the connection
  // closed mid-body (how many bytes of how many), a malformed response, a body over the cap.
  Result<ClientResponse> get(std::string_view target, const Headers& headers = {}) const;

  // Idle connections in the pool (for tests of reuse).
  std::size_t idle_connections() const;
  // Connections opened so far (for tests of reuse).
  std::size_t connections_opened() const;

  const Endpoint& endpoint() const { return m_endpoint; }

private:
  Result<std::unique_ptr<Stream>> connect() const;
  std::unique_ptr<Stream> take_idle() const;
  void give_back(std::unique_ptr<Stream> stream) const;
  Result<ClientResponse> exchange(Stream& stream, const std::string& request, bool& reusable, bool& nothing_received) const;

  Endpoint m_endpoint;
  ClientOptions m_options;
  mutable std::mutex m_mutex;
  mutable std::vector<std::unique_ptr<Stream>> m_idle;
  mutable std::size_t m_opened = 0;
};

} // namespace cva::http
