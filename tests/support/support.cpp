#include "support.hpp"

#include <core/bundle/manifests.hpp>
#include <core/util/yaml.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace cva::test {

namespace fs = std::filesystem;

TempDir::TempDir()
{
  static std::atomic<int> counter{0};
  m_path = binary_dir() / "testdir" / fmt::format("{}-{}", ::getpid(), counter++);
  fs::remove_all(m_path);
  fs::create_directories(m_path);
}

TempDir::~TempDir()
{
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

fs::path source_dir()
{
  return CVA_SOURCE_DIR;
}

fs::path binary_dir()
{
  return CVA_BINARY_DIR;
}

fs::path sample_archive(std::string_view name)
{
  return binary_dir() / "samples" / fmt::format("{}.tar.gz", name);
}

fs::path find_program(std::string_view program)
{
  const char* path = std::getenv("PATH");
  std::string_view rest = path == nullptr ? "" : path;
  while (!rest.empty()) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    const fs::path candidate = fs::path(rest.substr(0, colon)) / program;
    if (!rest.substr(0, colon).empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  return {};
}

std::string read_text(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, std::string_view text)
{
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
}

namespace {

// The process environment with `overrides` ("NAME=value") replacing or adding variables.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides)
{
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) {
    envs.emplace_back(*e);
  }
  for (const std::string& e : overrides) {
    const std::string name = e.substr(0, e.find('='));
    std::erase_if(envs, [&](const std::string& x) { return x.starts_with(name + "="); });
    envs.push_back(e);
  }
  return envs;
}

// In a forked child: executes `argv` (looked up on PATH) with environment `envs`, or exits 127.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::vector<std::string>& envs)
{
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : envs) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  ::execvpe(args[0], args.data(), envp.data());
  std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
  ::_exit(127);
}

} // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text,
                          const std::vector<std::string>& env)
{
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const std::vector<std::string> envs = merged_environment(env);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      ::close(fd);
    }
    exec_child(argv, envs);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (stdin_text.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  if (in_fd >= 0) {
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true;
  bool err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) {
      fds.push_back({out_pipe[0], POLLIN, 0});
    }
    if (err_open) {
      fds.push_back({err_pipe[0], POLLIN, 0});
    }
    if (in_fd >= 0) {
      fds.push_back({in_fd, POLLOUT, 0});
    }
    ::poll(fds.data(), fds.size(), 1000);
    for (const pollfd& p : fds) {
      if (p.fd == in_fd && (p.revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
        const ssize_t n = ::write(in_fd, stdin_text.data() + written, stdin_text.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
        }
        if (n < 0 || written == stdin_text.size()) {
          ::close(in_fd);
          in_fd = -1;
        }
      } else if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const ssize_t n = ::read(p.fd, buf, sizeof buf);
        std::string& target = p.fd == out_pipe[0] ? result.out : result.err;
        if (n > 0) {
          target.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || (n < 0 && errno != EAGAIN)) {
          (p.fd == out_pipe[0] ? out_open : err_open) = false;
        }
      }
    }
  }
  if (in_fd >= 0) {
    ::close(in_fd);
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text,
                      const std::vector<std::string>& env)
{
  std::vector<std::string> argv{CVA_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, stdin_text, env);
}

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                           bool own_kubeconfig)
{
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argv{CVA_CLI, "serve"};
  argv.insert(argv.end(), args.begin(), args.end());
  const bool has_kubeconfig =
    std::find(args.begin(), args.end(), "--kubeconfig-out") != args.end();
  if (!has_kubeconfig && own_kubeconfig) {
    argv.push_back("--kubeconfig-out");
    argv.push_back((m_dir / "kubeconfig").string());
  }
  const std::string err_path = (m_dir / "stderr").string();
  const std::vector<std::string> envs = merged_environment(env);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    exec_child(argv, envs);
  }
  ::close(out_pipe[1]);
  m_pid = pid;
  // Read stdout until the export line (or the process gives up).
  char buf[4096];
  while (m_stdout.find('\n') == std::string::npos) {
    pollfd p{out_pipe[0], POLLIN, 0};
    if (::poll(&p, 1, 30'000) <= 0) {
      break;
    }
    const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    m_stdout.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  const std::string prefix = "export KUBECONFIG=";
  if (!m_stdout.starts_with(prefix)) {
    const int code = stop(9);
    throw std::runtime_error(fmt::format("serve did not start (exit {}): {}", code, stderr_text()));
  }
  m_kubeconfig = m_stdout.substr(prefix.size(), m_stdout.find('\n') - prefix.size());
  const std::string config = read_text(m_kubeconfig);
  const auto server = config.find("server: ");
  m_url = config.substr(server + 8, config.find('\n', server) - server - 8);
}

ServeProcess::~ServeProcess()
{
  stop();
}

std::string ServeProcess::stderr_text() const
{
  return read_text(m_dir / "stderr");
}

int ServeProcess::stop(int signal)
{
  if (m_pid <= 0) {
    return -1;
  }
  ::kill(m_pid, signal);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int kubectl_minor()
{
  static const int minor = [] {
    const CommandResult r = run_command({"kubectl", "version", "--client", "-o", "json"});
    auto doc = parse_json(r.out, "kubectl version");
    const std::string text = doc ? json_string(json_at(*doc, "clientVersion"), "minor") : "";
    return text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) ? 0 : std::stoi(text);
  }();
  return minor;
}

CommandResult run_kubectl(const ServeProcess& server, const std::vector<std::string>& args)
{
  std::vector<std::string> argv{"kubectl"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {}, {"KUBECONFIG=" + server.kubeconfig(), "KUBECACHEDIR=" + server.cache_dir()});
}

Snapshot snapshot_from(const std::map<std::string, std::string>& files)
{
  LoadedInput input;
  for (const auto& [path, text] : files) {
    if (!path.ends_with(".json") || path.ends_with("-errors.json") || path.starts_with("coder/") ||
        path.starts_with("coder-cva/") || path.starts_with("cluster-info/")) {
      input.bundle.put(path, text);
      continue;
    }
    auto docs = parse_yaml_documents(text, path);
    REQUIRE_MESSAGE(docs.has_value(), (docs ? "" : docs.error().message));
    Json list{{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array()}};
    for (Json& d : *docs) {
      if (d.is_array()) {
        for (Json& item : d) {
          list["items"].push_back(std::move(item));
        }
      } else if (d.contains("items")) {
        for (Json& item : d["items"]) {
          list["items"].push_back(std::move(item));
        }
      } else {
        list["items"].push_back(std::move(d));
      }
    }
    input.bundle.put(path, to_pretty_json(list));
  }
  if (!input.bundle.contains("coder-cva/manifest.json")) {
    input.bundle.put("coder-cva/manifest.json", R"({"format_version": 1})");
  }
  input.origins = {"<test>"};
  auto snapshot = Snapshot::build(std::move(input));
  REQUIRE_MESSAGE(snapshot.has_value(), (snapshot ? "" : snapshot.error().message));
  return std::move(*snapshot);
}

Snapshot snapshot_from_manifests(const std::string& yaml)
{
  auto objects = parse_manifest_text(yaml, "<test>");
  REQUIRE_MESSAGE(objects.has_value(), (objects ? "" : objects.error().message));
  auto bundle = manifests_to_bundle(*objects, {});
  REQUIRE_MESSAGE(bundle.has_value(), (bundle ? "" : bundle.error().message));
  LoadedInput input;
  input.bundle = std::move(*bundle);
  input.format = InputFormat::manifests;
  input.origins = {"<test>"};
  auto snapshot = Snapshot::build(std::move(input));
  REQUIRE_MESSAGE(snapshot.has_value(), (snapshot ? "" : snapshot.error().message));
  return std::move(*snapshot);
}

CheckResult run_check(const Snapshot& snapshot, std::string_view id, const AnalysisOptions& options)
{
  RunOptions run;
  run.only = {std::string(id)};
  run.analysis = options;
  auto report = run_checks(snapshot, run);
  REQUIRE_MESSAGE(report.has_value(), (report ? "" : report.error().message));
  REQUIRE(report->checks.size() == 1);
  return report->checks[0];
}

} // namespace cva::test

#include <archive.h>
#include <archive_entry.h>

namespace cva::test {

void write_raw_archive(const std::filesystem::path& path, const std::vector<RawEntry>& entries, bool zip)
{
  archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  }
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  for (const RawEntry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_mtime(entry, 1'700'000'000, 0);
    switch (e.type) {
      case RawEntry::Type::file:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
        break;
      case RawEntry::Type::symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, e.data.c_str());
        break;
      case RawEntry::Type::hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.data.c_str());
        break;
      case RawEntry::Type::directory:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
    }
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    if (e.type == RawEntry::Type::file && !e.data.empty()) {
      archive_write_data(a, e.data.data(), e.data.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

} // namespace cva::test
