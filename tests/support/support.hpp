#pragma once

#include <core/bundle/bundle.hpp>
#include <core/check/runner.hpp>
#include <core/model/snapshot.hpp>
#include <core/util/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

// Shared test support: temporary directories, running the built binary, building snapshots from
// inline fixtures.
namespace cva::test {

// A fresh empty directory under the build tree, removed when the object dies unless the test
// failed (then kept for inspection).
class TempDir
{
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(std::string_view name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

struct CommandResult
{
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is looked up on PATH unless it has a '/'), with `stdin_text` on standard
// input and extra environment `env` ("NAME=value"), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                          const std::vector<std::string>& env = {});

// Runs the built kubectl-coder_cva with `args`.
CommandResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text = {},
                      const std::vector<std::string>& env = {});

// A `kubectl coder-cva serve` child process: started with `args` (INPUT and options) and extra
// environment `env` ("NAME=value"), it is ready once it has printed `export KUBECONFIG=`. Unless
// `args` names a kubeconfig or `own_kubeconfig` is false (serve then picks its own temporary
// one), the kubeconfig goes to a file in a test directory. Its stderr goes to a file. The
// destructor stops it with SIGTERM if stop() was not called.
class ServeProcess
{
public:
  explicit ServeProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                        bool own_kubeconfig = true);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // The kubeconfig path it printed, the server URL in it, and a private kubectl cache directory.
  const std::string& kubeconfig() const { return m_kubeconfig; }
  std::string cache_dir() const { return (m_dir / "kube-cache").string(); }
  const std::string& url() const { return m_url; }
  // Everything it printed on stdout, and on stderr so far.
  const std::string& stdout_text() const { return m_stdout; }
  std::string stderr_text() const;

  // Sends `signal` (SIGTERM by default) and waits; returns the exit code (128 + signal when killed).
  int stop(int signal = 15);

private:
  TempDir m_dir;
  int m_pid = -1;
  std::string m_kubeconfig;
  std::string m_url;
  std::string m_stdout;
};

// Runs the real kubectl against `server` with a private discovery cache.
CommandResult run_kubectl(const ServeProcess& server, const std::vector<std::string>& args);

// The minor version of the kubectl on PATH (32 for 1.32), or 0 when it cannot be told.
int kubectl_minor();

// The source tree, the build tree, and a built sample archive (`incident`, `compliant`).
std::filesystem::path source_dir();
std::filesystem::path binary_dir();
std::filesystem::path sample_archive(std::string_view name);

// The full path of `program` found on PATH, or an empty path when it is not installed.
std::filesystem::path find_program(std::string_view program);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, std::string_view text);

// Builds a snapshot from YAML manifests of a cluster: `files` maps bundle paths (such as
// `cluster-resources/pods/coder.json`) to YAML or JSON text of a List or a sequence of
// objects, which is converted to our layout. Paths ending in `.txt`/`.log`, error files and
// `coder/`, `coder-cva/` and `cluster-info/` files are kept verbatim; a `coder-cva/manifest.json`
// given is kept, else a minimal one is added.
Snapshot snapshot_from(const std::map<std::string, std::string>& files);

// Builds a snapshot from plain manifests (as `analyze -` would).
Snapshot snapshot_from_manifests(const std::string& yaml);

// Runs the check `id` alone on `snapshot`.
CheckResult run_check(const Snapshot& snapshot, std::string_view id, const AnalysisOptions& options = {});

} // namespace cva::test

namespace cva::test {

// One member of a hand-made (possibly hostile) archive.
struct RawEntry
{
  enum class Type
  {
    file,
    symlink,
    hardlink,
    directory,
  };
  std::string name;
  Type type = Type::file;
  std::string data; // file contents, or the link target
};

// Writes `entries` verbatim (no path checks) as a gzip tar (or a zip when `zip`) at `path`.
void write_raw_archive(const std::filesystem::path& path, const std::vector<RawEntry>& entries, bool zip = false);

} // namespace cva::test
