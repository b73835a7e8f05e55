#pragma once

#include <core/http/message.hpp>
#include <core/util/result.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

// A small HTTP/1.1 server for loopback use (`serve`): keep-alive, pipelining, bodies by
// Content-Length or chunked, HEAD, chunked streaming and deliberately broken responses for fault
// injection. Our own code rather than cpp-httplib: see socket.hpp.
namespace cva::http {

// A request as the handler sees it: the parsed head (method, raw target, decoded path and query
// parameters, fields) and the whole body.
struct Request : RequestHead
{
  std::string body;

  // The first value of header `name`, or "".
  std::string header(std::string_view name) const { return header_value(headers, name); }
};

// What a handler answers. The server writes Content-Length, Transfer-Encoding and Connection
// itself (fields of those names in `headers` are dropped); to a HEAD request it sends the head
// only, with the Content-Length the body would have had.
struct Response
{
  enum class Mode
  {
    whole,     // `body` with Content-Length
    chunked,   // chunked transfer coding: `body` as the first chunk, then next_chunk's chunks
    truncated, // Content-Length of all of `body`, only its first `truncate_at` bytes, then close
  };

  int status = 200;
  Headers headers;
  std::string body;
  Mode mode = Mode::whole;
  // chunked only: called after `body` went out, on the serving thread, until it returns false;
  // whatever it appended to its argument goes out as the next chunk. When the client has gone
  // or the server stops, it is not called again.
  std::function<bool(std::string& chunk)> next_chunk;
  std::size_t truncate_at = 0;
};

// Answers one request; called concurrently from the worker threads. An exception becomes a 500.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions
{
  std::string host = "127.0.0.1"; // a numeric address; loopback, as nothing here authenticates
  int port = 0;                   // 0: any free port
  std::size_t threads = 16;       // requests handled at once
  std::size_t max_connections = 1024;
  // Bounds each wait for bytes of a request that has begun, and for the client to take a response.
  std::chrono::milliseconds read_timeout{30'000};
  // How long a connection may sit without a request before the server closes it.
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_head_bytes = 64 * 1024; // request line and fields
  std::size_t max_body_bytes = 8 << 20;
};

// Accepts connections on one thread (the caller of run()), which also watches idle keep-alive
// connections, and hands each connection with a request waiting to a bounded pool of worker
// threads; so idle connections cost no thread. Malformed requests get 400 (an oversized head too,
// or 505 for HTTP/2 and later, 413 for an oversized body) and the connection is closed. The process
// ignores SIGPIPE once a Server exists, and writes never raise it.
class Server
{
public:
  Server(ServerOptions options, Handler handler);
  // Stops; the thread running run() must have been joined before.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the port. An error names the address (`127.0.0.1:80: cannot
  // listen: Permission denied`).
  Result<int> bind();

  // Serves until stop(), then closes every connection and joins the workers (a handler still
  // running is waited for). Returns at once when stop() came first. Requires bind().
  Result<void> run();

  // Makes run() return; safe from any thread (and async-signal-safe), before or during run().
  void stop();

  // The bound port (0 before bind()).
  int port() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace cva::http
