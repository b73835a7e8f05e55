// Reports the workspace_proxy section of Coder's health report (EWP01, EWP02, EWP04): unhealthy or unreachable
// workspace proxies send users the long way round or nowhere.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "workspace_proxy");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-workspace-proxy",
  .area = "health",
  .title = "Coder's health check: workspace proxies",
  .description = "Surfaces the health report's workspace_proxy section (EWP01, EWP02, EWP04; EWP03 is retired); a dismissed section is info.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Check each proxy's access URL, session token and version; remove proxies that no longer exist.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
