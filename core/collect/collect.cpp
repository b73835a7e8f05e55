#include "collect.hpp"

#include <core/bundle/paths.hpp>
#include <core/collect/context.hpp>
#include <core/kube/process.hpp>
#include <core/model/snapshot.hpp>
#include <core/version.hpp>

#include <fmt/format.h>

#include <ctime>

namespace cva {

namespace {

std::string utc_now()
{
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string current_context(const CollectOptions& options)
{
  if (!options.kubectl.context.empty()) {
    return options.kubectl.context;
  }
  std::vector<std::string> argv{options.kubectl.kubectl};
  if (!options.kubectl.kubeconfig.empty()) {
    argv.push_back("--kubeconfig=" + options.kubectl.kubeconfig);
  }
  argv.push_back("config");
  argv.push_back("current-context");
  auto r = run_process(argv, std::chrono::seconds(10));
  if (r && r->exit_code == 0) {
    std::string ctx = r->out;
    while (!ctx.empty() && (ctx.back() == '\n' || ctx.back() == '\r')) {
      ctx.pop_back();
    }
    return ctx;
  }
  return "in-cluster";
}

// Writes troubleshoot-style error files and our coverage into `bundle`.
void add_error_files(const CollectContext& context, Bundle& bundle)
{
  for (const auto& [name, by_namespace] : context.errors()) {
    const bool custom = name.starts_with("custom-resources/");
    if (custom) {
      continue;
    }
    Json doc;
    const bool cluster_scoped = by_namespace.size() == 1 && by_namespace.contains("") &&
                                !bundle.list_dir(fmt::format("{}/{}", paths::k_cluster_resources, name)).size();
    if (cluster_scoped) {
      doc = Json::array({by_namespace.at("")});
    } else {
      doc = Json::object();
      for (const auto& [ns, err] : by_namespace) {
        doc[ns] = err;
      }
    }
    bundle.put(fmt::format("{}/{}{}", paths::k_cluster_resources, name, paths::k_errors_suffix), to_pretty_json(doc));
  }
  Json cr = Json::object();
  for (const auto& [name, by_namespace] : context.errors()) {
    if (name.starts_with("custom-resources/")) {
      cr[name.substr(std::string("custom-resources/").size())] = by_namespace.begin()->second;
    }
  }
  if (!cr.empty()) {
    bundle.put(fmt::format("{}/custom-resources-errors.json", paths::k_custom_resources), to_pretty_json(cr));
  }
}

Json coverage_json(const CollectContext& context)
{
  Json out = Json::object();
  for (const auto& [key, value] : context.coverage()) {
    out[key] = {{"state", value.first}, {"message", value.second}};
  }
  return out;
}

} // namespace

Result<CollectResult> collect(const CollectOptions& options, const std::atomic<bool>& cancelled)
{
  if (options.concurrency < 1 || options.concurrency > 64) {
    return fail(fmt::format("--concurrency must be between 1 and 64, not {}", options.concurrency));
  }
  CVA_TRY_ASSIGN(redactor, Redactor::create(options.redact_patterns));
  // Whatever shape the session token has, it never reaches the archive.
  redactor.add_literal("coder-token", options.coder_token);
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + options.timeout;
  const auto startup = std::min<std::chrono::milliseconds>(options.timeout, std::chrono::seconds(30));
  CVA_TRY_ASSIGN(proxy, KubectlProxy::start(options.kubectl, startup));
  KubeClient client(proxy->socket_path(), std::min(options.request_timeout, options.timeout));

  CollectResult result;
  result.collected_at = utc_now();
  result.context = current_context(options);

  const HttpResponse version = client.get("/version");
  if (cancelled.load()) {
    return fail("collection was interrupted");
  }
  if (!version.ok()) {
    return fail(fmt::format("cannot reach the cluster of context '{}': {}", result.context, version.describe()));
  }
  CollectContext context(options, client, redactor, cancelled, deadline);
  auto version_doc = parse_json(version.body, "/version");
  Json info = version_doc ? *version_doc : Json::object();
  context.put_json(std::string(paths::k_cluster_version), Json{{"info", info}, {"string", json_string(info, "gitVersion")}});

  Json collector_records = Json::array();
  const auto run_phase = [&](int phase) {
    for (const CollectorInfo* c : collectors()) {
      if (c->phase != phase) {
        continue;
      }
      if (cancelled.load()) {
        return;
      }
      const auto errors_before = context.errors();
      const auto t0 = std::chrono::steady_clock::now();
      std::string summary;
      std::string status = "ok";
      try {
        summary = c->run(context);
      } catch (const std::exception& e) {
        status = "failed";
        summary = fmt::format("internal error: {}", e.what());
      }
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      std::size_t new_errors = 0;
      Json error_list = Json::array();
      for (const auto& [name, by_ns] : context.errors()) {
        for (const auto& [ns, err] : by_ns) {
          if (!errors_before.contains(name) || !errors_before.at(name).contains(ns)) {
            ++new_errors;
            if (error_list.size() < 50) {
              error_list.push_back(ns.empty() ? fmt::format("{}: {}", name, err) : fmt::format("{} in {}: {}", name, ns, err));
            }
          }
        }
      }
      if (status == "ok" && new_errors > 0) {
        status = "partial";
      }
      collector_records.push_back(
        {{"id", c->id}, {"status", status}, {"duration_ms", ms}, {"summary", summary}, {"errors", error_list}});
      context.line(fmt::format("{:<22} {:>7.1f}s  {}{}", c->id, static_cast<double>(ms) / 1000.0, summary,
                               new_errors > 0 ? fmt::format(" ({} refused or failed)", new_errors) : std::string()));
    }
  };

  run_phase(1);
  if (cancelled.load()) {
    return fail("collection was interrupted");
  }
  // Phase 2 sees phase 1 as a snapshot, built from a copy with the error files in place.
  {
    LoadedInput interim;
    {
      Bundle copy = context.take_bundle();
      interim.bundle = copy;
      for (const auto& [path, bytes] : copy.files()) {
        context.put_raw(path, bytes);
      }
    }
    add_error_files(context, interim.bundle);
    auto snapshot = Snapshot::build(std::move(interim));
    if (!snapshot) {
      return fail(fmt::format("internal error reading collected data: {}", snapshot.error().message));
    }
    const Snapshot cluster = std::move(*snapshot);
    context.set_cluster(&cluster);
    run_phase(2);
    context.set_cluster(nullptr);
  }
  if (cancelled.load()) {
    return fail("collection was interrupted");
  }
  proxy->stop();

  Bundle bundle = context.take_bundle();
  add_error_files(context, bundle);
  bundle.put(std::string(paths::k_version_yaml),
             fmt::format("apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v{}\n", k_version));
  Json redaction = Json::object();
  for (const auto& [rule, count] : context.redactor().counts()) {
    redaction[rule] = count;
  }
  const bool deadline_hit = std::chrono::steady_clock::now() >= deadline;
  result.complete = context.errors().empty() && !deadline_hit;
  for (const auto& [key, value] : context.coverage()) {
    if (value.first != "collected") {
      // Skipped inputs (no token, Prometheus off) are reported, not counted as failures.
      if (value.first == "failed" || value.first == "forbidden" || value.first == "partial") {
        result.complete = false;
      }
    }
  }
  result.manifest = {
    {"format_version", 1},
    {"tool", {{"name", "kubectl-coder_cva"}, {"version", std::string(k_version)}}},
    {"collected_at", result.collected_at},
    {"context", result.context},
    {"server_version", json_string(info, "gitVersion")},
    {"complete", result.complete},
    {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()},
    {"options",
     {{"max_log_lines", options.max_log_lines},
      {"max_log_bytes", options.max_log_bytes},
      {"since_seconds", options.since ? Json(options.since->count()) : Json()},
      {"concurrency", options.concurrency},
      {"coder_token", options.coder_token.empty() ? "not given" : "given"}}},
    {"collectors", collector_records},
    {"coverage", coverage_json(context)},
    {"redaction", redaction},
  };
  if (deadline_hit) {
    result.manifest["deadline_reached"] = true;
  }
  bundle.put(std::string(paths::k_manifest), to_pretty_json(result.manifest));
  result.bundle = std::move(bundle);
  return result;
}

} // namespace cva
