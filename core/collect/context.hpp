#pragma once

#include <core/bundle/bundle.hpp>
#include <core/collect/collect.hpp>
#include <core/kube/client.hpp>
#include <core/redact/redactor.hpp>
#include <core/util/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace cva {

class Snapshot;

// An API group/version/resource the server offers, from discovery.
struct ApiResource
{
  std::string group;
  std::string version;
  std::string plural;
  std::string kind;
  bool namespaced = true;
  bool can_list = true;
};

// What collectors share during a run: the client, the options, the growing bundle (redacted on
// the way in) and the records of what could not be collected. Every member function is
// thread-safe.
class CollectContext
{
public:
  CollectContext(const CollectOptions& options, KubeClient& client, Redactor& redactor,
                 const std::atomic<bool>& cancelled, std::chrono::steady_clock::time_point deadline);

  const CollectOptions& options() const { return m_options; }
  const KubeClient& client() const { return m_client; }

  // True once the run was cancelled or its deadline passed: stop starting new requests.
  bool stopped() const;
  // A reason for `stopped()`, for error records.
  std::string stop_reason() const;

  // GET with the run's bookkeeping (request counting); the same as client().get().
  HttpResponse get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

  // Redacts and stores a JSON document at bundle path `path`.
  void put_json(const std::string& path, Json doc);
  // Redacts and stores text.
  void put_text(const std::string& path, std::string_view text);
  // Parses the JSON at `path` (null when absent), lets `edit` change it, then redacts and stores it.
  void modify_json(const std::string& path, const std::function<void(Json&)>& edit);
  // Redacts free text for messages (error lines quoting a tool's output).
  std::string redact(std::string_view text);
  // Stores bytes as they are (used only for data already redacted or free of secrets).
  void put_raw(const std::string& path, std::string bytes);

  // Records that `bundle_name` (`pods`, `custom-resources/nodepools.karpenter.sh`) could not be
  // collected in `namespace_` ("" for the whole kind or a cluster-scoped kind).
  void record_error(const std::string& bundle_name, const std::string& namespace_, const std::string& message);
  // Records coverage of a non-resource input (`coder/health`, `logs`, `coder/metrics`); the
  // message is redacted.
  void record_coverage(const std::string& key, const std::string& state, const std::string& message);

  // Reports one finished unit of work to the progress sink.
  void line(const std::string& text);

  // Discovery results, set by the discovery collector before other phase-1 work starts.
  void set_resources(std::vector<ApiResource> resources);
  std::vector<ApiResource> resources() const;
  const ApiResource* find_resource(std::string_view group, std::string_view plural) const;

  // Namespaces seen (or given), for per-namespace fallbacks when a cluster-wide list is refused.
  void set_namespaces(std::vector<std::string> namespaces);
  std::vector<std::string> namespaces() const;

  // The phase-1 cluster state, for phase-2 collectors (logs, Coder API, metrics).
  void set_cluster(const Snapshot* snapshot) { m_cluster = snapshot; }
  const Snapshot* cluster() const { return m_cluster; }

  // Runs `tasks` on up to options().concurrency threads and returns when all are done.
  void run_parallel(std::vector<std::function<void()>> tasks);

  // --- For the orchestrator ---
  Bundle take_bundle();
  std::map<std::string, std::map<std::string, std::string>> errors() const;
  std::map<std::string, std::pair<std::string, std::string>> coverage() const;
  const Redactor& redactor() const { return m_redactor; }

private:
  const CollectOptions& m_options;
  KubeClient& m_client;
  Redactor& m_redactor;
  const std::atomic<bool>& m_cancelled;
  std::chrono::steady_clock::time_point m_deadline;
  mutable std::mutex m_mutex;
  std::mutex m_redact_mutex;
  Bundle m_bundle;
  std::map<std::string, std::map<std::string, std::string>> m_errors;
  std::map<std::string, std::pair<std::string, std::string>> m_coverage;
  std::vector<ApiResource> m_resources;
  std::vector<std::string> m_namespaces;
  const Snapshot* m_cluster = nullptr;
};

// A collector's registration. Phase 1 collects cluster state; phase 2 runs after it and sees it
// through `CollectContext::cluster()`.
struct CollectorInfo
{
  std::string_view id{};
  std::string_view description{};
  int phase = 1;
  int order = 0; // within a phase, lower runs first (discovery before lists)
  // Bundle paths or globs it writes, for docs/bundle-format.md and the registry test.
  std::vector<std::string_view> outputs{};
  // Returns a one-line summary (`1204 objects`); errors are recorded through the context.
  std::string (*run)(CollectContext& context) = nullptr;
};

// Adds a collector; aborts on a duplicate or malformed id.
bool register_collector(CollectorInfo info);
// All collectors, sorted by phase, order, id.
std::vector<const CollectorInfo*> collectors();

} // namespace cva

#define CVA_REGISTER_COLLECTOR(...)                                                                \
  [[maybe_unused]] static const bool cva_registered_collector_ =                                   \
    ::cva::register_collector(::cva::CollectorInfo __VA_ARGS__)
