// Reports the usage_publishing section of Coder's health report (newer servers): whether the deployment can
// publish license usage.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

namespace {

std::vector<cva::Finding> analyze(const cva::Snapshot& snapshot, const cva::AnalysisOptions&)
{
  return cva::health_section_findings(snapshot, "usage_publishing");
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "health-usage-publishing",
  .area = "health",
  .title = "Coder's health check: usage publishing",
  .description = "Surfaces the usage_publishing section of newer health reports (EUNKNOWN and friends); older servers have no such section (unknown).",
  .severity = cva::Outcome::warn,
  .inputs = {"coder/health"},
  .remediation = "Let coderd reach Coder's usage endpoint, or contact Coder about offline licensing.",
  .doc_url = "https://coder.com/docs/admin/monitoring/health-check",
  .run = &analyze,
});
