#include "socket.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace cva::http {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error)
{
  return std::strerror(error);
}

void set_nonblocking(int fd)
{
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void set_nodelay(int fd)
{
  // Heads and bodies may leave in separate writes; without TCP_NODELAY each response can wait for
  // the peer's delayed ACK (40 ms), which paging with small limits turns into seconds.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int remaining_ms(Clock::time_point deadline)
{
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1'000'000'000));
}

// Connects a non-blocking socket to one address; returns 0 or an errno value (ETIMEDOUT when
// the deadline passed).
int connect_one(int fd, const sockaddr* address, socklen_t length, Clock::time_point deadline)
{
  if (::connect(fd, address, length) == 0) {
    return 0;
  }
  if (errno != EINPROGRESS && errno != EINTR) {
    return errno;
  }
  while (true) {
    pollfd p{fd, POLLOUT, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return n == 0 ? ETIMEDOUT : errno;
    }
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    return error;
  }
}

std::string show_address(const std::string& host, int port)
{
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

} // namespace

Socket& Socket::operator=(Socket&& other) noexcept
{
  if (this != &other) {
    close();
    m_fd = other.release();
  }
  return *this;
}

int Socket::release()
{
  const int fd = m_fd;
  m_fd = -1;
  return fd;
}

void Socket::close()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

Result<Socket> connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout)
{
  const std::string where = show_address(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fail(fmt::format("cannot connect to {}: {}", where, ::gai_strerror(rc)));
  }
  const auto deadline = Clock::now() + timeout;
  int error = EHOSTUNREACH;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Socket s(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!s.valid()) {
      error = errno;
      continue;
    }
    error = connect_one(s.fd(), a->ai_addr, a->ai_addrlen, deadline);
    if (error == 0) {
      ::freeaddrinfo(found);
      set_nodelay(s.fd());
      return s;
    }
  }
  ::freeaddrinfo(found);
  if (error == ETIMEDOUT) {
    return fail(fmt::format("cannot connect to {}: no answer within {} ms", where, timeout.count()));
  }
  return fail(fmt::format("cannot connect to {}: {}", where, errno_text(error)));
}

Result<Socket> connect_unix(const std::string& path, std::chrono::milliseconds timeout)
{
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    return fail(fmt::format("cannot connect to {}: the socket path is longer than {} bytes", path,
                            sizeof address.sun_path - 1));
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const auto deadline = Clock::now() + timeout;
  while (true) {
    Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!s.valid()) {
      return fail(fmt::format("cannot connect to {}: {}", path, errno_text(errno)));
    }
    const int error = connect_one(s.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address, deadline);
    if (error == 0) {
      return s;
    }
    // A unix socket whose backlog is full refuses with EAGAIN instead of queueing the connect.
    if (error == EAGAIN && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (error == ETIMEDOUT || error == EAGAIN) {
      return fail(fmt::format("cannot connect to {}: no answer within {} ms", path, timeout.count()));
    }
    return fail(fmt::format("cannot connect to {}: {}", path, errno_text(error)));
  }
}

Result<Listener> listen_tcp(const std::string& host, int port)
{
  const std::string where = show_address(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0 || found == nullptr) {
    return fail(fmt::format("{}: cannot listen: {}", where, rc != 0 ? ::gai_strerror(rc) : "no address"));
  }
  Socket s(::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol));
  if (!s.valid()) {
    ::freeaddrinfo(found);
    return fail(fmt::format("{}: cannot listen: {}", where, errno_text(errno)));
  }
  const int one = 1;
  ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const int bound = ::bind(s.fd(), found->ai_addr, found->ai_addrlen);
  const int bind_error = errno;
  ::freeaddrinfo(found);
  if (bound != 0 || ::listen(s.fd(), SOMAXCONN) != 0) {
    return fail(fmt::format("{}: cannot listen: {}", where, errno_text(bound != 0 ? bind_error : errno)));
  }
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&local), &length);
  Listener out;
  out.port = local.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port)
                                         : ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
  out.socket = std::move(s);
  return out;
}

WakePipe::WakePipe()
{
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error(fmt::format("cannot create a pipe: {}", errno_text(errno)));
  }
  m_read = Socket(fds[0]);
  m_write = Socket(fds[1]);
}

void WakePipe::notify() const
{
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(m_write.fd(), &byte, 1);
}

void WakePipe::consume() const
{
  char bytes[64];
  while (::read(m_read.fd(), bytes, sizeof bytes) > 0) {
  }
}

Stream::Stream(Socket socket, std::string peer, std::chrono::milliseconds timeout, int wake_fd)
  : m_socket(std::move(socket)), m_peer(std::move(peer)), m_timeout(timeout), m_wake_fd(wake_fd)
{
  set_nonblocking(m_socket.fd());
}

Stream::Wait Stream::wait(short events)
{
  const auto deadline = Clock::now() + m_timeout;
  while (true) {
    pollfd p[2] = {{m_socket.fd(), events, 0}, {m_wake_fd, POLLIN, 0}};
    const int n = ::poll(p, m_wake_fd >= 0 ? 2 : 1, remaining_ms(deadline));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      m_fill_error = errno_text(errno);
      return Wait::error;
    }
    if (n == 0) {
      return Wait::timeout;
    }
    if (m_wake_fd >= 0 && (p[1].revents & POLLIN) != 0) {
      return Wait::woken;
    }
    return Wait::ready; // readable, writable, hung up or in error: the next call says which
  }
}

Unexpected Stream::fail_with(IoFailure kind, std::string what)
{
  m_failure = kind;
  return fail(fmt::format("{}: {}", m_peer, what));
}

bool Stream::fill(std::string_view waiting_for)
{
  compact();
  while (true) {
    char chunk[16384];
    const ssize_t n = ::recv(m_socket.fd(), chunk, sizeof chunk, 0);
    if (n > 0) {
      m_buffer.append(chunk, static_cast<std::size_t>(n));
      m_received += static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) {
      m_failure = IoFailure::closed;
      m_fill_error = fmt::format("connection closed while waiting for {}", waiting_for);
      return false;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == ECONNRESET || errno == EPIPE) {
      m_failure = IoFailure::closed;
      m_fill_error = fmt::format("connection reset while waiting for {}", waiting_for);
      return false;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      m_failure = IoFailure::error;
      m_fill_error = fmt::format("{} while waiting for {}", errno_text(errno), waiting_for);
      return false;
    }
    switch (wait(POLLIN)) {
    case Wait::ready:
      continue;
    case Wait::timeout:
      m_failure = IoFailure::timeout;
      m_fill_error = fmt::format("nothing received within {} ms while waiting for {}", m_timeout.count(), waiting_for);
      return false;
    case Wait::woken:
      m_failure = IoFailure::woken;
      m_fill_error = fmt::format("stopped while waiting for {}", waiting_for);
      return false;
    case Wait::error:
      m_failure = IoFailure::error;
      m_fill_error = fmt::format("{} while waiting for {}", m_fill_error, waiting_for);
      return false;
    }
  }
}

void Stream::compact()
{
  if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > 65536)) {
    m_buffer.erase(0, m_pos);
    m_pos = 0;
  }
}

Result<std::string> Stream::read_head(std::size_t max_bytes, std::string_view what)
{
  std::size_t scanned = 0; // bytes after m_pos known to hold no head end
  std::size_t skipped = 0; // empty lines skipped: they count against the limit too
  while (true) {
    // Empty lines before a head are skipped (RFC 9112 section 2.2).
    while (scanned == 0 && m_pos < m_buffer.size() && (m_buffer[m_pos] == '\n' || m_buffer[m_pos] == '\r')) {
      if (m_buffer[m_pos] == '\r' && m_pos + 1 >= m_buffer.size()) {
        break; // a CR whose LF has not arrived yet
      }
      const std::size_t step = m_buffer[m_pos] == '\r' && m_buffer[m_pos + 1] == '\n' ? 2 : 1;
      m_pos += step;
      skipped += step;
    }
    const std::string_view view(m_buffer.data() + m_pos, m_buffer.size() - m_pos);
    if (skipped > max_bytes) {
      return fail_with(IoFailure::too_large, fmt::format("{} is larger than {} bytes", what, max_bytes));
    }
    for (std::size_t nl = view.find('\n', scanned); nl != std::string_view::npos; nl = view.find('\n', nl + 1)) {
      if (nl > max_bytes) {
        break; // refused below, however the bytes arrived
      }
      std::size_t next = nl + 1;
      if (next < view.size() && view[next] == '\r') {
        ++next;
      }
      if (next < view.size() && view[next] == '\n') {
        std::string head(view.substr(0, nl > 0 && view[nl - 1] == '\r' ? nl - 1 : nl));
        m_pos += next + 1;
        return head;
      }
      if (next >= view.size()) {
        break; // the line after this one has not arrived yet
      }
      scanned = nl + 1;
    }
    if (view.size() > max_bytes) {
      return fail_with(IoFailure::too_large, fmt::format("{} is larger than {} bytes", what, max_bytes));
    }
    if (!fill(what)) {
      return fail_with(m_failure, m_fill_error);
    }
  }
}

Result<std::string> Stream::read_line(std::size_t max_bytes)
{
  std::size_t scanned = 0;
  while (true) {
    const std::string_view view(m_buffer.data() + m_pos, m_buffer.size() - m_pos);
    if (const std::size_t nl = view.find('\n', scanned); nl != std::string_view::npos && nl <= max_bytes) {
      std::string line(view.substr(0, nl > 0 && view[nl - 1] == '\r' ? nl - 1 : nl));
      m_pos += nl + 1;
      return line;
    }
    scanned = view.size();
    if (view.size() > max_bytes) {
      return fail_with(IoFailure::too_large, fmt::format("line longer than {} bytes", max_bytes));
    }
    if (!fill("a line")) {
      return fail_with(m_failure, m_fill_error);
    }
  }
}

Result<void> Stream::read_exact(std::size_t n, std::string& out)
{
  std::size_t got = 0;
  while (true) {
    const std::size_t take = std::min(n - got, m_buffer.size() - m_pos);
    out.append(m_buffer, m_pos, take);
    m_pos += take;
    got += take;
    if (got == n) {
      return {};
    }
    if (!fill("the body")) {
      if (m_failure == IoFailure::closed) {
        return fail_with(IoFailure::closed, fmt::format("connection closed after {} of {} body bytes", got, n));
      }
      return fail_with(m_failure, fmt::format("{} ({} of {} bytes received)", m_fill_error, got, n));
    }
  }
}

Result<void> Stream::read_to_end(std::string& out, std::size_t max_bytes)
{
  while (true) {
    out.append(m_buffer, m_pos, std::string::npos);
    m_pos = m_buffer.size();
    if (out.size() > max_bytes) {
      return fail_with(IoFailure::too_large, fmt::format("body larger than {} bytes", max_bytes));
    }
    if (!fill("the end of the body")) {
      if (m_failure == IoFailure::closed) {
        m_failure = IoFailure::none;
        return {};
      }
      return fail_with(m_failure, m_fill_error);
    }
  }
}

Result<void> Stream::write_all(std::string_view first, std::string_view second)
{
  while (!first.empty() || !second.empty()) {
    iovec parts[2] = {{const_cast<char*>(first.data()), first.size()}, {const_cast<char*>(second.data()), second.size()}};
    msghdr message{};
    message.msg_iov = first.empty() ? parts + 1 : parts;
    message.msg_iovlen = first.empty() ? 1 : 2;
    const ssize_t n = ::sendmsg(m_socket.fd(), &message, MSG_NOSIGNAL);
    if (n >= 0) {
      auto sent = static_cast<std::size_t>(n);
      const std::size_t from_first = std::min(sent, first.size());
      first.remove_prefix(from_first);
      second.remove_prefix(sent - from_first);
      continue;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
      return fail_with(IoFailure::closed, "connection closed by the peer while sending");
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail_with(IoFailure::error, fmt::format("{} while sending", errno_text(errno)));
    }
    switch (wait(POLLOUT)) {
    case Wait::ready:
      break;
    case Wait::timeout:
      return fail_with(IoFailure::timeout, fmt::format("could not send within {} ms", m_timeout.count()));
    case Wait::woken:
      return fail_with(IoFailure::woken, "stopped while sending");
    case Wait::error:
      return fail_with(IoFailure::error, fmt::format("{} while sending", m_fill_error));
    }
  }
  return {};
}

bool Stream::reusable() const
{
  if (!m_socket.valid() || buffered() > 0) {
    return false;
  }
  pollfd p{m_socket.fd(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

void Stream::shutdown_write()
{
  ::shutdown(m_socket.fd(), SHUT_WR);
}

} // namespace cva::http
