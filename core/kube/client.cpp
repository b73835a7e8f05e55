#include "client.hpp"

#include <core/kube/process.hpp>
#include <core/util/json.hpp>

#include <fmt/format.h>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace cva {

namespace {

std::atomic<pid_t> g_proxy_pid{-1};

bool socket_accepts(const std::string& path)
{
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string first_error_line(const std::string& text)
{
  std::istringstream in(text);
  std::string line;
  std::string first;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    if (line.rfind("error:", 0) == 0 || line.find("E1") == 0 || first.empty()) {
      if (line.rfind("error: ", 0) == 0) {
        return line.substr(7);
      }
      if (first.empty()) {
        first = line;
      }
    }
  }
  return first;
}

} // namespace

std::vector<std::string> KubectlFlags::args() const
{
  std::vector<std::string> out;
  const auto add = [&](const char* flag, const std::string& value) {
    if (!value.empty()) {
      out.push_back(fmt::format("--{}={}", flag, value));
    }
  };
  add("kubeconfig", kubeconfig);
  add("context", context);
  add("cluster", cluster);
  add("user", user);
  add("as", as);
  for (const std::string& g : as_groups) {
    add("as-group", g);
  }
  add("request-timeout", request_timeout);
  return out;
}

Result<std::unique_ptr<KubectlProxy>> KubectlProxy::start(const KubectlFlags& flags, std::chrono::milliseconds timeout)
{
  if (!program_exists(flags.kubectl)) {
    return fail(fmt::format("kubectl not found ('{}' is not on PATH); install kubectl or set KUBECTL", flags.kubectl));
  }
  std::unique_ptr<KubectlProxy> proxy(new KubectlProxy());
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = fmt::format("{}/coder-cva-XXXXXX", tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp");
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return fail(fmt::format("cannot create a private directory for kubectl proxy: {}", std::strerror(errno)));
  }
  proxy->m_dir = tmpl;
  proxy->m_socket = tmpl + "/kube.sock";
  const std::string err_path = tmpl + "/proxy.err";
  std::vector<std::string> argv{flags.kubectl};
  for (const std::string& a : flags.args()) {
    argv.push_back(a);
  }
  argv.push_back("proxy");
  argv.push_back("--unix-socket=" + proxy->m_socket);
  const pid_t pid = ::fork();
  if (pid < 0) {
    return fail(fmt::format("cannot start kubectl proxy: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    const int devnull = ::open("/dev/null", O_RDWR);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(err >= 0 ? err : devnull, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  proxy->m_pid = pid;
  g_proxy_pid = pid;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (socket_accepts(proxy->m_socket)) {
      return proxy;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      proxy->m_pid = -1;
      g_proxy_pid = -1;
      std::ifstream in(err_path);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string line = first_error_line(ss.str());
      proxy->stop();
      return fail(fmt::format("kubectl proxy failed: {}", line.empty() ? "it exited without an error message" : line));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      proxy->stop();
      return fail(fmt::format("kubectl proxy did not start within {} ms", timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

KubectlProxy::~KubectlProxy()
{
  stop();
}

void KubectlProxy::stop()
{
  if (m_pid > 0) {
    ::kill(-m_pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (m_pid > 0) {
      ::kill(-m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
      m_pid = -1;
    }
    g_proxy_pid = -1;
  }
  if (!m_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
    m_dir.clear();
  }
}

void KubectlProxy::kill_from_signal_handler()
{
  const pid_t pid = g_proxy_pid.load();
  if (pid > 0) {
    ::kill(-pid, SIGTERM);
  }
}

std::string HttpResponse::describe() const
{
  if (status == 0) {
    return error.empty() ? std::string("no response") : error;
  }
  if (auto doc = parse_json(body, "response"); doc && json_string(*doc, "kind") == "Status") {
    return fmt::format("{}: {}", status, json_string(*doc, "message", json_string(*doc, "reason")));
  }
  std::string text = body.substr(0, 300);
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text.empty() ? fmt::format("HTTP {}", status) : fmt::format("{}: {}", status, text);
}

KubeClient::KubeClient(std::string socket_path, std::chrono::milliseconds request_timeout)
  : m_socket(std::move(socket_path)), m_timeout(request_timeout)
{
}

KubeClient::~KubeClient() = default;

std::unique_ptr<httplib::Client> KubeClient::acquire() const
{
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      auto c = std::move(m_idle.back());
      m_idle.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<httplib::Client>(m_socket, 80);
  c->set_address_family(AF_UNIX);
  c->set_keep_alive(true);
  // kubectl proxy only accepts Host: localhost; httplib would send the socket path.
  c->set_default_headers({{"Host", "localhost"}});
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_timeout);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(m_timeout - seconds);
  c->set_connection_timeout(seconds.count(), micros.count());
  c->set_read_timeout(seconds.count(), micros.count());
  c->set_write_timeout(seconds.count(), micros.count());
  c->set_decompress(true);
  return c;
}

void KubeClient::release(std::unique_ptr<httplib::Client> client) const
{
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(client));
}

HttpResponse KubeClient::get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers) const
{
  auto client = acquire();
  httplib::Headers h;
  for (const auto& [k, v] : headers) {
    h.emplace(k, v);
  }
  HttpResponse out;
  auto res = client->Get(path, h);
  if (!res) {
    out.error = fmt::format("request failed: {}", httplib::to_string(res.error()));
    // A broken connection must not be reused.
    return out;
  }
  out.status = res->status;
  out.body = std::move(res->body);
  release(std::move(client));
  return out;
}

} // namespace cva
