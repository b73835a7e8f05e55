// Judges the database latency the health report measured (median of five pings) against the
// validated architecture's target of under 10 ms and the server's own warning threshold
// (CODER_HEALTH_CHECK_THRESHOLD_DATABASE, 15 ms by default). Every API call waits on the database.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

constexpr double k_cva_target_ms = 10;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const std::optional<HealthReport> report = health_report(snapshot);
  if (!report) {
    return {finding(Outcome::unknown, "no health report in the input")};
  }
  const HealthSection* db = report->section("database");
  if (db == nullptr || !db->present) {
    return {finding(Outcome::unknown, fmt::format("the health report ({}) has no database section", report->path))};
  }
  const std::string dismissed = db->dismissed ? " (the database health check is dismissed in Coder)" : "";
  if (db->error_code == "EDB01" || json_at(*db->raw, "reachable") == false) {
    return {finding(Outcome::fail, fmt::format("the database did not answer coderd's ping: {}{}", db->error, dismissed), {},
                    {Evidence{report->path, "/database/error", excerpt(db->error)}})};
  }
  if (!db->error.empty()) {
    // The check itself failed (EUNKNOWN, a timeout): its latency_ms is no measurement.
    return {finding(Outcome::unknown,
                    fmt::format("the health report's database check failed, so it measured no latency: {}{}", db->error,
                                dismissed),
                    {}, {Evidence{report->path, "/database/error", excerpt(db->error)}})};
  }
  if (!report->db_latency_ms) {
    return {finding(Outcome::unknown, "the health report's database section has no latency_ms")};
  }
  const double latency = *report->db_latency_ms;
  const double threshold = report->db_threshold_ms.value_or(15);
  const Evidence ev{report->path, "/database/latency_ms", fmt::format("{} (threshold_ms {})", latency, threshold)};
  if (latency >= threshold) {
    return {finding(Outcome::warn,
                    fmt::format("median database ping {} ms is at or above the server's threshold of {} ms and the "
                                "validated architecture's {} ms target{}",
                                latency, threshold, k_cva_target_ms, dismissed),
                    {}, {ev})};
  }
  if (latency >= k_cva_target_ms) {
    return {finding(Outcome::warn,
                    fmt::format("median database ping {} ms is under the server's threshold of {} ms but not under the "
                                "validated architecture's {} ms target{}",
                                latency, threshold, k_cva_target_ms, dismissed),
                    {}, {ev})};
  }
  return {finding(Outcome::pass,
                  fmt::format("median database ping {} ms (target under {} ms; server threshold {} ms){}", latency,
                              k_cva_target_ms, threshold, dismissed),
                  {}, {ev})};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "database-latency",
  .area = "database",
  .title = "Database latency is under 10 ms",
  .description = "Reads the health report's median database ping: fail when unreachable (EDB01), warn at or above "
                 "the validated architecture's 10 ms or the server's threshold_ms (EDB02).",
  .severity = Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Put PostgreSQL in coderd's region and zone, avoid burstable instance types, and size it for your "
                 "active users; watch `coderd_db_query_latencies_seconds` (CODER_PROMETHEUS_COLLECT_DB_METRICS).",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
