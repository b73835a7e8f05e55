// Reports the derp section of Coder's health report, nested region and node warnings included: relays that
// fail or fall back to websockets (EDERP01, EDERP02) and STUN problems (ESTUN01, ESTUN02).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "derp");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-derp",
  .area = "health",
  .title = "Coder's health check: DERP relays and STUN",
  .description = "Surfaces the health report's derp section with its regions and nodes (EDERP01-02, ESTUN01-02); a dismissed section is info.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Let the load balancer pass `Upgrade: derp`, keep relays reachable between replicas (CODER_DERP_SERVER_RELAY_URL), and allow UDP to the STUN servers.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
