// Checks that coderd uses an external PostgreSQL. Without CODER_PG_CONNECTION_URL, coderd
// downloads PostgreSQL and runs it inside its own pod: data lives on the pod's filesystem, high
// availability is impossible, and every restart risks the database.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const ServerSetting s = server_setting(snapshot, "CODER_PG_CONNECTION_URL");
  if (std::vector<Finding> missing = missing_setting(snapshot, s); !missing.empty()) {
    return missing;
  }
  switch (s.state) {
    case ServerSetting::State::set:
      return {finding(Outcome::pass, "CODER_PG_CONNECTION_URL is set: coderd uses an external PostgreSQL", {},
                      setting_evidence(s))};
    case ServerSetting::State::unset:
      return {finding(Outcome::fail,
                      "CODER_PG_CONNECTION_URL is not set: coderd runs its built-in PostgreSQL inside its own pod, which "
                      "is neither durable nor highly available",
                      {}, setting_evidence(s))};
    case ServerSetting::State::unknown:
      break;
  }
  return {finding(Outcome::unknown, fmt::format("whether CODER_PG_CONNECTION_URL is set is unknown: {}", s.why_unknown), {},
                  setting_evidence(s))};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "database-builtin",
  .area = "database",
  .title = "coderd uses an external PostgreSQL",
  .description = "Fails when CODER_PG_CONNECTION_URL is not set (found through the coderd container's env and "
                 "envFrom, or the support bundle's options[].value_source), which means the built-in database.",
  .severity = Outcome::fail,
  .inputs = {},
  .remediation = "Create a Secret with the connection URL (`kubectl create secret generic coder-db-url "
                 "--from-literal=url=postgres://...`) and reference it from `coder.env` as CODER_PG_CONNECTION_URL.",
  .doc_url = "https://coder.com/docs/install/kubernetes",
  .run = &analyze,
});
