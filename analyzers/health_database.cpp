// Reports the database section of Coder's health report (EDB01, EDB02), each code with its meaning and what to
// do; the latency itself is judged against the validated architecture by database-latency.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "database");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-database",
  .area = "health",
  .title = "Coder's health check: database",
  .description = "Surfaces the health report's database section (EDB01 ping failed, EDB02 latency above threshold); a dismissed section is info.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Keep PostgreSQL reachable from every coderd replica and close to it (same region, ideally zone).",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
