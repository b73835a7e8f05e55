// Reports the provisioner_daemons section of Coder's health report, per-daemon warnings included: no daemons
// (EPD01), daemons behind the server's version (EPD02) or on a deprecated API (EPD03).
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "provisioner_daemons");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-provisioner-daemons",
  .area = "health",
  .title = "Coder's health check: provisioner daemons",
  .description = "Surfaces the health report's provisioner_daemons section with each daemon's warnings (EPD01 none available, EPD02 version behind, EPD03 deprecated API); a dismissed section is info.",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Run provisioners that match your templates' tags, on the same version as coderd (same image tag).",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
