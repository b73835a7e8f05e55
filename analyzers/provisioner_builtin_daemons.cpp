// Checks CODER_PROVISIONER_DAEMONS against the external provisioners in use. Each coderd replica
// runs 3 built-in provisioner daemons unless told otherwise; with external provisioners those
// built-in ones should be off (0), since they run untrusted template builds inside coderd.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ProvisionerCapacity cap = provisioner_capacity(snapshot);
  std::vector<Evidence> evidence = setting_evidence(cap.setting);
  if (std::vector<Finding> missing = missing_setting(snapshot, cap.setting); !missing.empty()) {
    return missing;
  }
  if (!cap.builtin_per_replica) {
    return {finding(Outcome::unknown,
                    fmt::format("CODER_PROVISIONER_DAEMONS cannot be read: {}",
                                cap.setting.why_unknown.empty() ? "its value comes from a Secret or ConfigMap not collected"
                                                                : cap.setting.why_unknown),
                    {}, std::move(evidence))};
  }
  const int per_replica = *cap.builtin_per_replica;
  if (!cap.external_seen()) {
    if (per_replica == 0 && cap.health_total > 0) {
      return {finding(Outcome::pass,
                      fmt::format("built-in daemons are off (CODER_PROVISIONER_DAEMONS=0) and the health report lists {} "
                                  "provisioner daemon(s)",
                                  cap.health_total),
                      {}, std::move(evidence))};
    }
    return {finding(Outcome::unknown,
                    fmt::format("CODER_PROVISIONER_DAEMONS gives {} built-in daemon(s) per replica, but whether external "
                                "provisioners run is unknown: no coderd or provisioner pods or Deployments in the input",
                                per_replica),
                    {}, std::move(evidence))};
  }
  const int external = *cap.external_seen();
  const std::string how = cap.setting.state == ServerSetting::State::unset
                            ? fmt::format("CODER_PROVISIONER_DAEMONS is not set, so each replica runs the default {}", per_replica)
                            : fmt::format("CODER_PROVISIONER_DAEMONS={}", per_replica);
  if (external > 0 && per_replica > 0) {
    return {finding(Outcome::warn,
                    fmt::format("{} built-in provisioner daemons per coderd replica ({} in all) run beside {} external "
                                "provisioner(s): {}; template builds still run inside coderd",
                                per_replica, cap.builtin().value_or(per_replica), external, how),
                    {}, std::move(evidence))};
  }
  if (external == 0 && per_replica == 0) {
    return {finding(Outcome::fail,
                    "CODER_PROVISIONER_DAEMONS=0 and no external provisioner was found: no workspace can be built "
                    "(health code EPD01)",
                    {}, std::move(evidence))};
  }
  if (external == 0) {
    return {finding(Outcome::pass,
                    fmt::format("no external provisioners; the built-in daemons ({} per replica) do every build ({}); "
                                "see provisioner-external-at-scale for larger deployments",
                                per_replica, how),
                    {}, std::move(evidence))};
  }
  return {finding(Outcome::pass,
                  fmt::format("built-in daemons are off (CODER_PROVISIONER_DAEMONS=0) and {} external provisioner(s) "
                              "do the builds",
                              external),
                  {}, std::move(evidence))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "provisioner-builtin-daemons",
  .area = "provisioners",
  .title = "Built-in provisioners are off when external ones run",
  .description = "Reads CODER_PROVISIONER_DAEMONS (coderd env and envFrom, or the support bundle's "
                 "options[].value_source; default 3): warns when built-in daemons run beside external "
                 "provisioners, fails when there are no provisioners at all.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "With external provisioners, set `CODER_PROVISIONER_DAEMONS=0` in `coder.env` so builds run only "
                 "in the provisioner pods.",
  .doc_url = "https://coder.com/docs/admin/provisioners",
  .run = &analyze,
});
