#include "server.hpp"

#include <fmt/format.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace cva::http {

namespace {

using Clock = std::chrono::steady_clock;

struct Connection
{
  std::unique_ptr<Stream> stream;
  Clock::time_point idle_since;
};

bool server_owned(std::string_view name)
{
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

} // namespace

struct Server::Impl
{
  ServerOptions options;
  Handler handler;
  Listener listener;
  bool bound = false;
  std::atomic<bool> stopping{false};
  WakePipe stop_pipe; // readable from stop() on, never drained: wakes every wait
  WakePipe doorbell;  // a worker gave a connection back or closed one

  std::mutex mutex;
  std::condition_variable work_ready;
  std::deque<std::unique_ptr<Connection>> work; // connections with a request waiting
  std::vector<std::unique_ptr<Connection>> returned;
  std::size_t open = 0;
  bool closing = false;

  Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

  void poll_loop(std::vector<std::unique_ptr<Connection>>& idle);
  void accept_all(std::vector<std::unique_ptr<Connection>>& idle);
  void worker();
  bool serve_one(Stream& stream);
  // Writes the response; true when it was written whole and the connection may carry another request.
  bool write_response(Stream& stream, const Request& request, Response& response, bool keep_alive);
  void refuse(Stream& stream, int status, std::string_view reason);
};

void Server::Impl::accept_all(std::vector<std::unique_ptr<Connection>>& idle)
{
  while (true) {
    {
      const std::lock_guard lock(mutex);
      if (open >= options.max_connections) {
        return;
      }
    }
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = ::accept4(listener.socket.fd(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: the listener stays readable, so pause instead of spinning.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return; // EAGAIN: no more waiting; anything else: try again on the next readiness
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->stream = std::make_unique<Stream>(Socket(fd), "client", options.read_timeout, stop_pipe.read_fd());
    c->idle_since = Clock::now();
    {
      const std::lock_guard lock(mutex);
      ++open;
    }
    // A new connection waits like an idle one: it takes a worker only once its request arrives.
    idle.push_back(std::move(c));
  }
}

void Server::Impl::poll_loop(std::vector<std::unique_ptr<Connection>>& idle)
{
  std::vector<pollfd> fds;
  while (!stopping.load()) {
    {
      const std::lock_guard lock(mutex);
      for (auto& c : returned) {
        c->idle_since = Clock::now();
        idle.push_back(std::move(c));
      }
      returned.clear();
    }
    const auto now = Clock::now();
    std::size_t closed = 0;
    std::erase_if(idle, [&](const std::unique_ptr<Connection>& c) {
      const bool expired = now - c->idle_since >= options.idle_timeout;
      closed += expired ? 1 : 0;
      return expired;
    });
    bool accepting = false;
    {
      const std::lock_guard lock(mutex);
      open -= closed;
      accepting = open < options.max_connections;
    }
    auto wait = std::chrono::milliseconds(-1);
    for (const auto& c : idle) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c->idle_since + options.idle_timeout - now);
      wait = wait.count() < 0 ? left : std::min(wait, left);
    }
    fds.clear();
    fds.push_back({stop_pipe.read_fd(), POLLIN, 0});
    fds.push_back({doorbell.read_fd(), POLLIN, 0});
    fds.push_back({accepting ? listener.socket.fd() : -1, POLLIN, 0});
    for (const auto& c : idle) {
      fds.push_back({c->stream->fd(), POLLIN, 0});
    }
    const int n = ::poll(fds.data(), fds.size(), wait.count() < 0 ? -1 : static_cast<int>(wait.count()) + 1);
    if (n < 0) {
      continue; // EINTR
    }
    if ((fds[0].revents & POLLIN) != 0) {
      break;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      doorbell.consume();
    }
    // Connections with something to read (a request, or the client's close) go to the workers.
    std::vector<std::unique_ptr<Connection>> ready;
    for (std::size_t i = 0, j = 3; i < idle.size(); ++j) {
      if (fds[j].revents != 0) {
        ready.push_back(std::move(idle[i]));
        idle.erase(idle.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    if (!ready.empty()) {
      const std::lock_guard lock(mutex);
      for (auto& c : ready) {
        work.push_back(std::move(c));
      }
      work_ready.notify_all();
    }
    if ((fds[2].revents & POLLIN) != 0) {
      accept_all(idle);
    }
  }
}

void Server::Impl::worker()
{
  while (true) {
    std::unique_ptr<Connection> c;
    {
      std::unique_lock lock(mutex);
      work_ready.wait(lock, [&] { return closing || !work.empty(); });
      if (closing) {
        return;
      }
      c = std::move(work.front());
      work.pop_front();
    }
    bool keep = serve_one(*c->stream);
    while (keep && c->stream->buffered() > 0 && !stopping.load()) {
      keep = serve_one(*c->stream); // pipelined requests already read
    }
    {
      const std::lock_guard lock(mutex);
      if (keep && !stopping.load()) {
        returned.push_back(std::move(c));
      } else {
        --open;
        c.reset();
      }
    }
    doorbell.notify();
  }
}

void Server::Impl::refuse(Stream& stream, int status, std::string_view reason)
{
  const std::string body = fmt::format("{}: {}\n", reason_phrase(status), reason);
  const std::string head = format_response_head(
    status, {{"Content-Type", "text/plain; charset=utf-8"}, {"Content-Length", std::to_string(body.size())}, {"Connection", "close"}});
  stream.set_timeout(std::chrono::milliseconds(1000));
  if (stream.write_all(head, body)) {
    // Read what the client still sends before closing, so the close does not reset the connection
    // and discard the answer before the client has read it.
    stream.shutdown_write();
    stream.set_timeout(std::chrono::milliseconds(200));
    std::string rest;
    (void)stream.read_to_end(rest, 1 << 20);
  }
}

bool Server::Impl::serve_one(Stream& stream)
{
  const std::size_t start = stream.received();
  stream.set_timeout(options.read_timeout);
  auto text = stream.read_head(options.max_head_bytes, "the request head");
  if (!text) {
    if (stream.last_failure() == IoFailure::too_large) {
      refuse(stream, 400, fmt::format("request head larger than {} bytes", options.max_head_bytes));
    } else if (stream.last_failure() == IoFailure::timeout && stream.received() > start) {
      refuse(stream, 408, "the request did not arrive in time");
    }
    return false;
  }
  bool newer = false;
  auto head = parse_request_head(*text, &newer);
  if (!head) {
    refuse(stream, newer ? 505 : 400, head.error().message);
    return false;
  }
  auto framing = request_framing(head->headers);
  if (!framing) {
    refuse(stream, 400, framing.error().message);
    return false;
  }
  if (framing->kind == BodyFraming::Kind::length && framing->length > options.max_body_bytes) {
    refuse(stream, 413, fmt::format("request body larger than {} bytes", options.max_body_bytes));
    return false;
  }
  Request request;
  static_cast<RequestHead&>(request) = std::move(*head);
  if (framing->kind != BodyFraming::Kind::none && header_has_token(request.headers, "Expect", "100-continue")) {
    if (!stream.write_all("HTTP/1.1 100 Continue\r\n\r\n")) {
      return false;
    }
  }
  if (auto body = read_body(stream, *framing, options.max_body_bytes, request.body); !body) {
    if (stream.last_failure() == IoFailure::too_large) {
      refuse(stream, 413, fmt::format("request body larger than {} bytes", options.max_body_bytes));
    } else if (stream.last_failure() == IoFailure::malformed) {
      refuse(stream, 400, body.error().message);
    }
    return false;
  }

  Response response;
  try {
    response = handler(request);
  } catch (const std::exception& e) {
    response = Response{};
    response.status = 500;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = fmt::format("Internal Server Error: {}\n", e.what());
  }
  const bool keep_alive = request.keep_alive() && !stopping.load() && response.mode != Response::Mode::truncated;
  return write_response(stream, request, response, keep_alive);
}

bool Server::Impl::write_response(Stream& stream, const Request& request, Response& response, bool keep_alive)
{
  Headers fields;
  for (auto& field : response.headers) {
    if (!server_owned(field.first)) {
      fields.push_back(std::move(field));
    }
  }
  const bool head_only = request.method == "HEAD";
  // An HTTP/1.0 client cannot read chunks: stream the body to it and end with the connection.
  const bool chunked = response.mode == Response::Mode::chunked && request.minor_version >= 1;
  if (response.mode == Response::Mode::chunked && !chunked) {
    keep_alive = false;
  }
  if (chunked) {
    fields.emplace_back("Transfer-Encoding", "chunked");
  } else if (response.mode != Response::Mode::chunked) {
    fields.emplace_back("Content-Length", std::to_string(response.body.size()));
  }
  if (!keep_alive) {
    fields.emplace_back("Connection", "close");
  } else if (request.minor_version == 0) {
    fields.emplace_back("Connection", "keep-alive");
  }
  const std::string head = format_response_head(response.status, fields);
  if (head_only) {
    return stream.write_all(head).has_value() && keep_alive;
  }
  switch (response.mode) {
  case Response::Mode::whole:
    return stream.write_all(head, response.body).has_value() && keep_alive;
  case Response::Mode::truncated:
    (void)stream.write_all(head, std::string_view(response.body).substr(0, response.truncate_at));
    return false;
  case Response::Mode::chunked:
    break;
  }
  if (!stream.write_all(head, chunked ? format_chunk(response.body) : response.body)) {
    return false;
  }
  std::string chunk;
  while (response.next_chunk && !stopping.load()) {
    chunk.clear();
    const bool more = response.next_chunk(chunk);
    if (!chunk.empty() && !stream.write_all(chunked ? format_chunk(chunk) : chunk)) {
      return false;
    }
    if (!more) {
      break;
    }
  }
  return chunked && stream.write_all(k_last_chunk).has_value() && keep_alive;
}

Server::Server(ServerOptions options, Handler handler)
  : m_impl(std::make_unique<Impl>(std::move(options), std::move(handler)))
{
  std::signal(SIGPIPE, SIG_IGN);
}

Server::~Server()
{
  stop();
}

Result<int> Server::bind()
{
  CVA_TRY_ASSIGN(listener, listen_tcp(m_impl->options.host, m_impl->options.port));
  m_impl->listener = std::move(listener);
  m_impl->bound = true;
  return m_impl->listener.port;
}

Result<void> Server::run()
{
  Impl& impl = *m_impl;
  if (!impl.bound) {
    return fail("the server is not bound");
  }
  if (impl.stopping.load()) {
    return {};
  }
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < std::max<std::size_t>(impl.options.threads, 1); ++i) {
    workers.emplace_back([&impl] { impl.worker(); });
  }
  std::vector<std::unique_ptr<Connection>> idle;
  impl.poll_loop(idle);
  impl.stopping = true;
  impl.listener.socket.close();
  idle.clear();
  {
    const std::lock_guard lock(impl.mutex);
    impl.closing = true;
    impl.work.clear();
    impl.work_ready.notify_all();
  }
  for (std::thread& t : workers) {
    t.join();
  }
  const std::lock_guard lock(impl.mutex);
  impl.returned.clear();
  impl.open = 0;
  return {};
}

void Server::stop()
{
  m_impl->stopping = true;
  m_impl->stop_pipe.notify();
}

int Server::port() const
{
  return m_impl->listener.port;
}

} // namespace cva::http
