#pragma once

#include <core/util/result.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

// Stream sockets for the HTTP layer: TCP and unix-domain connects with a timeout, a loopback
// listener, and a buffered stream whose every wait is a poll() bounded by a timeout and
// interruptible through a wake-up descriptor. Writes never raise SIGPIPE (MSG_NOSIGNAL).
//
// Why our own HTTP code at all: design.md named cpp-httplib, but Debian 12's libcpp-httplib-dev
// ships its header with declarations only and the code in libcpp-httplib.so (which needs OpenSSL,
// zlib and brotli), so it cannot be linked statically and the release binary must need nothing
// but libc and libstdc++. Nothing outside Debian's packages may be vendored, so the little HTTP/1.1
// this project speaks (GETs to `kubectl proxy`, and `serve`'s loopback API for kubectl) is here.
namespace cva::http {

// Owns one file descriptor; closes it when destroyed. Move-only.
class Socket
{
public:
  Socket() = default;
  explicit Socket(int fd) : m_fd(fd) {}
  ~Socket() { close(); }
  Socket(Socket&& other) noexcept : m_fd(other.release()) {}
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  // Gives up ownership: returns the descriptor and leaves this empty.
  int release();
  void close();

private:
  int m_fd = -1;
};

// Connects to `host`:`port` (a name or a numeric IPv4/IPv6 address), trying each address in turn,
// each within `timeout`. The error says which address and why, for example
// `cannot connect to 127.0.0.1:9: Connection refused`.
Result<Socket> connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);

// Connects to the unix-domain stream socket at `path` within `timeout`; the error names the path.
Result<Socket> connect_unix(const std::string& path, std::chrono::milliseconds timeout);

// A listening TCP socket and the port it got.
struct Listener
{
  Socket socket;
  int port = 0;
};

// Binds `host` (a numeric address such as 127.0.0.1 or ::1) and `port` (0: any free port) with
// SO_REUSEADDR, and listens with the system's largest backlog (kubectl opens a burst of connections
// for discovery). Non-blocking. The error names the address.
Result<Listener> listen_tcp(const std::string& host, int port);

// A pipe whose read end becomes readable once notify() was called, for waking poll() loops.
// notify() is async-signal-safe. consume() drains it (for pipes reused as a doorbell).
class WakePipe
{
public:
  WakePipe();
  WakePipe(const WakePipe&) = delete;
  WakePipe& operator=(const WakePipe&) = delete;

  int read_fd() const { return m_read.fd(); }
  void notify() const;
  void consume() const;

private:
  Socket m_read;
  Socket m_write;
};

// Why an I/O operation on a Stream failed.
enum class IoFailure
{
  none,
  closed,    // the peer closed the connection (orderly, or reset)
  timeout,   // nothing moved within the timeout
  woken,     // the wake-up descriptor became readable (the owner is stopping)
  too_large, // a line, head or body exceeded its limit
  malformed, // framing that is not HTTP/1.1 (chunk sizes, line endings)
  error,     // any other system error
};

// A connected socket with a read buffer. Every wait for the peer is a poll() of at most the
// stream's timeout (so a peer that trickles bytes keeps a read going; the byte caps bound it),
// also woken by `wake_fd` when one is given. Errors are one line naming `peer` (for example
// `127.0.0.1:8001` or the socket path). Not thread-safe: one user at a time.
class Stream
{
public:
  Stream(Socket socket, std::string peer, std::chrono::milliseconds timeout, int wake_fd = -1);

  const std::string& peer() const { return m_peer; }
  int fd() const { return m_socket.fd(); }
  void set_timeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
  std::chrono::milliseconds timeout() const { return m_timeout; }

  // Bytes read from the socket so far, consumed or not.
  std::size_t received() const { return m_received; }
  // Bytes read from the socket but not yet consumed (a pipelined request, say).
  std::size_t buffered() const { return m_buffer.size() - m_pos; }
  // Why the last failed operation failed.
  IoFailure last_failure() const { return m_failure; }

  // Reads an HTTP head: everything up to the first empty line (CRLF CRLF, or bare LFs), which is
  // consumed but not returned; empty lines before it are skipped. Fails with too_large past
  // `max_bytes`. `what` names the head in errors (`the response head`).
  Result<std::string> read_head(std::size_t max_bytes, std::string_view what);
  // Reads one line ending in CRLF (or LF) and returns it without the ending.
  Result<std::string> read_line(std::size_t max_bytes);
  // Appends exactly `n` bytes to `out`.
  Result<void> read_exact(std::size_t n, std::string& out);
  // Appends everything until the peer closes to `out`; fails with too_large once `out` would pass
  // `max_bytes`.
  Result<void> read_to_end(std::string& out, std::size_t max_bytes);

  // Writes all of `first` then `second` (one sendmsg where it can).
  Result<void> write_all(std::string_view first, std::string_view second = {});

  // True when the connection is open with nothing unexpected waiting: no buffered bytes, and the
  // socket neither readable (an early close or stray bytes) nor in error. For reusing a pooled
  // keep-alive connection.
  bool reusable() const;

  // Half-closes the sending side (the peer reads end of stream).
  void shutdown_write();

  // Records `kind` as the last failure and returns the error `<peer>: <what>`, for callers that
  // find fault with what they read (a malformed chunk, a body over its cap).
  Unexpected fail_with(IoFailure kind, std::string what);

private:
  enum class Wait
  {
    ready,
    timeout,
    woken,
    error,
  };
  Wait wait(short events);
  // Reads more bytes into the buffer; false on close, timeout, wake-up or error (m_failure says).
  bool fill(std::string_view waiting_for);
  void compact();

  Socket m_socket;
  std::string m_peer;
  std::chrono::milliseconds m_timeout;
  int m_wake_fd = -1;
  std::string m_buffer;
  std::size_t m_pos = 0;
  std::size_t m_received = 0;
  IoFailure m_failure = IoFailure::none;
  std::string m_fill_error;
};

} // namespace cva::http
