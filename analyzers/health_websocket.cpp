// Reports the websocket section of Coder's health report (EWS01-EWS03): without websockets over the access
// URL, terminals, agents and port forwarding fail.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "websocket");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-websocket",
  .area = "health",
  .title = "Coder's health check: websockets",
  .description = "Surfaces the health report's websocket section (EWS01-03); a dismissed section is info.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Let every proxy and load balancer between users and coderd pass websocket upgrades and keep long-lived connections open.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
