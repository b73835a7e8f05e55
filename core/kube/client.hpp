#pragma once

#include <core/http/client.hpp>
#include <core/util/result.hpp>

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cva {

// The kubectl flags a plugin receives and forwards, so that every credential plugin, OIDC,
// client certificate and proxy setting the user has keeps working.
struct KubectlFlags
{
  std::string kubectl = "kubectl";
  std::string kubeconfig;
  std::string context;
  std::string cluster;
  std::string user;
  std::string as;
  std::vector<std::string> as_groups;
  std::string request_timeout;

  // The global flags as kubectl arguments (`--context=x`, ...).
  std::vector<std::string> args() const;
};

// One `kubectl proxy --unix-socket` in a private 0700 directory. The credentials stay in kubectl;
// only this process's user can reach the socket (a TCP port would let any local user ride them).
// Stopped (and its directory removed) by the destructor, by stop(), and by
// kill_from_signal_handler().
class KubectlProxy
{
public:
  // Starts the proxy and waits until its socket accepts connections. Errors are one line: kubectl
  // missing, or kubectl's own first error line (an unknown context, a bad kubeconfig), or no
  // socket within `timeout`.
  static Result<std::unique_ptr<KubectlProxy>> start(const KubectlFlags& flags, std::chrono::milliseconds timeout);

  KubectlProxy(const KubectlProxy&) = delete;
  KubectlProxy& operator=(const KubectlProxy&) = delete;
  ~KubectlProxy();

  const std::string& socket_path() const { return m_socket; }
  pid_t pid() const { return m_pid; }

  // Terminates the proxy and removes its directory; idempotent.
  void stop();

  // Async-signal-safe: kills the proxy process group started last (for SIGINT/SIGTERM handlers);
  // the owner's stop() still reaps it and removes the directory.
  static void kill_from_signal_handler();

private:
  KubectlProxy() = default;
  pid_t m_pid = -1;
  std::string m_dir;
  std::string m_socket;
};

// What one GET returned. `status` 0 means no HTTP response (connection refused or dropped,
// timeout); `error` then says why.
struct HttpResponse
{
  int status = 0;
  std::string body;
  std::string error;

  bool ok() const { return status >= 200 && status < 300; }
  // One line for error files: `403: pods is forbidden: ...` (the Status message when the body is a
  // Kubernetes Status object), or the transport error.
  std::string describe() const;
};

// Plain HTTP GETs to the API server through the proxy's unix socket (`Host: localhost`, which
// the proxy requires), with keep-alive connections shared across threads. `request_timeout`
// bounds the connect and each wait for the proxy. Read-only by construction: it has no other verb.
class KubeClient
{
public:
  KubeClient(std::string socket_path, std::chrono::milliseconds request_timeout);

  // GETs `path` (with query) with extra `headers`. Thread-safe. A transport failure gives status
  // 0 and `error` = `request failed: GET <path>: <why>`.
  HttpResponse get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

private:
  http::Client m_client;
};

} // namespace cva
