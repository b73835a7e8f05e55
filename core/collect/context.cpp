#include "context.hpp"

#include <core/check/registry.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace cva {

CollectContext::CollectContext(const CollectOptions& options, KubeClient& client, Redactor& redactor,
                               const std::atomic<bool>& cancelled, std::chrono::steady_clock::time_point deadline)
  : m_options(options), m_client(client), m_redactor(redactor), m_cancelled(cancelled), m_deadline(deadline)
{
}

bool CollectContext::stopped() const
{
  return m_cancelled.load() || std::chrono::steady_clock::now() >= m_deadline;
}

std::string CollectContext::stop_reason() const
{
  return m_cancelled.load() ? std::string("collection was interrupted")
                            : fmt::format("the collection deadline (--timeout {}s) passed",
                                          std::chrono::duration_cast<std::chrono::seconds>(m_options.timeout).count());
}

HttpResponse CollectContext::get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers) const
{
  if (stopped()) {
    HttpResponse r;
    r.error = stop_reason();
    return r;
  }
  return m_client.get(path, headers);
}

void CollectContext::put_json(const std::string& path, Json doc)
{
  {
    std::lock_guard lock(m_redact_mutex);
    m_redactor.redact_json(doc);
  }
  std::string text = to_pretty_json(doc);
  std::lock_guard lock(m_mutex);
  m_bundle.put(path, std::move(text));
}

void CollectContext::put_text(const std::string& path, std::string_view text)
{
  std::string redacted = redact(text);
  std::lock_guard lock(m_mutex);
  m_bundle.put(path, std::move(redacted));
}

void CollectContext::modify_json(const std::string& path, const std::function<void(Json&)>& edit)
{
  std::lock_guard lock(m_mutex);
  Json doc;
  if (const std::string* text = m_bundle.get(path)) {
    if (auto parsed = parse_json(*text, path)) {
      doc = std::move(*parsed);
    }
  }
  edit(doc);
  {
    std::lock_guard redact_lock(m_redact_mutex);
    m_redactor.redact_json(doc);
  }
  m_bundle.put(path, to_pretty_json(doc));
}

std::string CollectContext::redact(std::string_view text)
{
  std::lock_guard lock(m_redact_mutex);
  return m_redactor.redact_text(text);
}

void CollectContext::put_raw(const std::string& path, std::string bytes)
{
  std::lock_guard lock(m_mutex);
  m_bundle.put(path, std::move(bytes));
}

void CollectContext::record_error(const std::string& bundle_name, const std::string& namespace_, const std::string& message)
{
  std::string redacted = redact(message);
  std::lock_guard lock(m_mutex);
  m_errors[bundle_name][namespace_] = std::move(redacted);
}

void CollectContext::record_coverage(const std::string& key, const std::string& state, const std::string& message)
{
  // Messages quote response bodies (a Coder API error, a metrics endpoint's answer) and end up in
  // the manifest: they are redacted like everything else.
  std::string redacted = redact(message);
  std::lock_guard lock(m_mutex);
  m_coverage[key] = {state, std::move(redacted)};
}

void CollectContext::line(const std::string& text)
{
  if (m_options.on_line) {
    std::lock_guard lock(m_mutex);
    m_options.on_line(text);
  }
}

void CollectContext::set_resources(std::vector<ApiResource> resources)
{
  std::lock_guard lock(m_mutex);
  m_resources = std::move(resources);
}

std::vector<ApiResource> CollectContext::resources() const
{
  std::lock_guard lock(m_mutex);
  return m_resources;
}

const ApiResource* CollectContext::find_resource(std::string_view group, std::string_view plural) const
{
  std::lock_guard lock(m_mutex);
  for (const ApiResource& r : m_resources) {
    if (r.group == group && r.plural == plural) {
      return &r;
    }
  }
  return nullptr;
}

void CollectContext::set_namespaces(std::vector<std::string> namespaces)
{
  std::lock_guard lock(m_mutex);
  m_namespaces = std::move(namespaces);
}

std::vector<std::string> CollectContext::namespaces() const
{
  std::lock_guard lock(m_mutex);
  return m_namespaces;
}

void CollectContext::run_parallel(std::vector<std::function<void()>> tasks)
{
  const std::size_t workers = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, m_options.concurrency)), 1, tasks.size() == 0 ? 1 : tasks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<int> done{0};
  const int total = static_cast<int>(tasks.size());
  const auto worker = [&] {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= tasks.size()) {
        return;
      }
      tasks[i]();
      const int finished = ++done;
      if (m_options.on_progress) {
        std::lock_guard lock(m_mutex);
        m_options.on_progress(finished, total);
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers; ++i) {
    threads.emplace_back(worker);
  }
  worker();
  for (std::thread& t : threads) {
    t.join();
  }
}

Bundle CollectContext::take_bundle()
{
  std::lock_guard lock(m_mutex);
  return std::move(m_bundle);
}

std::map<std::string, std::map<std::string, std::string>> CollectContext::errors() const
{
  std::lock_guard lock(m_mutex);
  return m_errors;
}

std::map<std::string, std::pair<std::string, std::string>> CollectContext::coverage() const
{
  std::lock_guard lock(m_mutex);
  return m_coverage;
}

namespace {
std::vector<CollectorInfo>& table()
{
  static std::vector<CollectorInfo> t;
  return t;
}
} // namespace

bool register_collector(CollectorInfo info)
{
  if (!is_valid_check_id(info.id) || info.run == nullptr || info.description.empty()) {
    std::fprintf(stderr, "kubectl-coder_cva: internal error: malformed collector '%.*s'\n",
                 static_cast<int>(info.id.size()), info.id.data());
    std::abort();
  }
  for (const CollectorInfo& c : table()) {
    if (c.id == info.id) {
      std::fprintf(stderr, "kubectl-coder_cva: internal error: collector '%.*s' registered twice\n",
                   static_cast<int>(info.id.size()), info.id.data());
      std::abort();
    }
  }
  table().push_back(std::move(info));
  return true;
}

std::vector<const CollectorInfo*> collectors()
{
  std::vector<const CollectorInfo*> out;
  for (const CollectorInfo& c : table()) {
    out.push_back(&c);
  }
  std::sort(out.begin(), out.end(), [](const CollectorInfo* a, const CollectorInfo* b) {
    return std::tie(a->phase, a->order, a->id) < std::tie(b->phase, b->order, b->id);
  });
  return out;
}

} // namespace cva
