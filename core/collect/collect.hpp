#pragma once

#include <core/bundle/bundle.hpp>
#include <core/kube/client.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cva {

// What `collect` gathers and how.
struct CollectOptions
{
  KubectlFlags kubectl;
  std::vector<std::string> coder_namespaces;     // -n; empty: found from coderd pods
  std::vector<std::string> workspace_namespaces; // empty: found from workspace pods
  std::optional<std::chrono::seconds> since;     // narrows logs; never lifts the byte cap
  std::int64_t max_log_lines = 5000;
  std::int64_t max_log_bytes = 5 << 20;
  std::string coder_token;                        // --coder-token / CODER_SESSION_TOKEN
  std::vector<std::string> coder_bundles;         // --coder-bundle ZIP...
  std::optional<std::string> coder_support_workspace; // --coder-support-bundle [WORKSPACE]; "" = none
  std::string coder_cli = "coder";
  std::vector<std::string> redact_patterns;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  int concurrency = 8;
  // Receives progress: one finished line per unit of work (kind, logs, API endpoint...).
  std::function<void(const std::string&)> on_line;
  // Receives the live status (units done / started) on a terminal; may be empty.
  std::function<void(int done, int total)> on_progress;
};

// What a run produced: the bundle (redacted), and how complete it is.
struct CollectResult
{
  Bundle bundle;
  std::string context;
  std::string collected_at; // RFC 3339
  bool complete = true;     // false when anything was refused, failed or cut by the deadline
  Json manifest;
};

// Collects the cluster through one `kubectl proxy`, read-only, in two phases: cluster state
// (every registered phase-1 collector), then Coder's data (phase 2: logs, Coder API, metrics,
// support bundles), which needs the pods found in phase 1. Every refusal, timeout or dropped
// connection is recorded (troubleshoot-style error files and the manifest's coverage) and
// collection goes on. Everything is redacted before it enters the bundle. `cancelled` stops the
// run early (SIGINT): the result is then an error. Errors: kubectl missing, proxy failing, cluster
// unreachable, a bad option, or cancellation, each one line.
Result<CollectResult> collect(const CollectOptions& options, const std::atomic<bool>& cancelled);

} // namespace cva
