#include "client.hpp"

#include <core/kube/process.hpp>
#include <core/util/json.hpp>
#include <core/version.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
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
  return http::connect_unix(path, std::chrono::milliseconds(200)).has_value();
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
    const int devnull = ::open("/dev/null", O_RDWR);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    exec_child(argv, devnull, devnull, err >= 0 ? err : devnull);
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
  : m_client(http::Endpoint::unix_socket(std::move(socket_path)),
             http::ClientOptions{.timeout = request_timeout,
                                 .default_headers = {{"User-Agent", fmt::format("kubectl-coder_cva/{}", k_version)},
                                                     {"Accept", "*/*"}}})
{
}

HttpResponse KubeClient::get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers) const
{
  HttpResponse out;
  auto response = m_client.get(path, headers);
  if (!response) {
    out.error = fmt::format("request failed: {}", response.error().message);
    return out;
  }
  out.status = response->status;
  out.body = std::move(response->body);
  return out;
}

} // namespace cva
