// Checks that support links are configured. The validated architecture's user-support practice
// is to point users at the platform team from Coder's UI (CODER_SUPPORT_LINKS); otherwise they see
// Coder's public links (documentation, GitHub, Discord) and report problems there.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ServerSetting s = server_setting(snapshot, "CODER_SUPPORT_LINKS");
  std::vector<Evidence> evidence = setting_evidence(s);
  if (const CoderDocument* config = snapshot.coder_data.find("config")) {
    const Json& links = json_path(config->json, {"config", "support", "links"});
    if (links.is_array() && !links.empty()) {
      return {finding(Outcome::pass, fmt::format("{} support link(s) configured", links.size()), {},
                      {Evidence{config->path, "/config/support/links", excerpt(links.dump(), 160)}})};
    }
  }
  if (std::vector<Finding> missing = missing_setting(snapshot, s); !missing.empty()) {
    return missing;
  }
  switch (s.state) {
    case ServerSetting::State::set:
      return {finding(Outcome::pass, "CODER_SUPPORT_LINKS is set", {}, std::move(evidence))};
    case ServerSetting::State::unset:
      return {finding(Outcome::info, "no support links: users see Coder's public links (documentation, GitHub, "
                                     "Discord) instead of your platform team's",
                      {}, std::move(evidence))};
    case ServerSetting::State::unknown:
      break;
  }
  return {finding(Outcome::unknown, fmt::format("whether support links are set is unknown: {}", s.why_unknown), {},
                  std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "support-links",
  .area = "observability",
  .title = "Support links point users at the platform team",
  .description = "Reports (info) when CODER_SUPPORT_LINKS is not set in coderd's env or the deployment config.",
  .severity = Outcome::info,
  .inputs = {},
  .remediation = "Set `CODER_SUPPORT_LINKS` to a JSON list such as `[{\"name\":\"Platform team\",\"target\":"
                 "\"https://...\",\"icon\":\"chat\"}]`, and teach users to attach `coder support bundle` output.",
  .doc_url = "https://coder.com/docs/admin/setup/appearance",
  .run = &analyze,
});
