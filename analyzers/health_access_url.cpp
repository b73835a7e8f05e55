// Reports the access_url section of Coder's health report: whether the server can reach its own access URL's
// /healthz (codes EACS01-EACS04), each code with its meaning and what to do.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "access_url");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-access-url",
  .area = "health",
  .title = "Coder's health check: access URL",
  .description = "Surfaces the health report's access_url section (EACS01-04): error is fail, warning is warn, a dismissed section is info with what it hides.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Make CODER_ACCESS_URL an address that resolves and answers /healthz with 200 OK from inside the cluster as well as from users' machines.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
