// Compares the database with the reference tier. An in-cluster PostgreSQL's requests can be read
// and compared; an external database's size is invisible from the cluster, so the finding states
// what the reference asks for: the tier's figure and the validated architecture's rule of 2 vCPU
// per 1,000 active users on top of a 2 vCPU / 8 GB baseline.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>
#include <core/model/coder.hpp>

#include <fmt/format.h>

#include <algorithm>

#include <cmath>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions& options)
{
  const std::optional<SizingBasis> basis = sizing_basis(snapshot, options);
  if (!basis) {
    return {no_user_count("the database's size")};
  }
  const TierSpec& t = *basis->spec;
  const int users = basis->users.value_or(t.users);
  const int rule_cpu = 2 + 2 * (users / 1000);
  const std::string wanted = fmt::format("the tier asks for {} vCPU / {} GB{}; the 2-vCPU-per-1,000-active-users rule "
                                         "gives {} vCPU",
                                         t.db_cpu, t.db_memory_gib,
                                         t.db_storage.empty() ? std::string() : fmt::format(" / {} storage", t.db_storage),
                                         rule_cpu);
  const std::string head = describe_basis(*basis);
  std::vector<Finding> findings;
  for (const RoleObject& o : templates_with_roles(snapshot, {CoderRole::postgres})) {
    // Judge the database container, not the exporters and proxies beside it.
    const bool has_server = std::any_of(o.spec->containers.begin(), o.spec->containers.end(),
                                        [](const Container& c) { return is_postgres_container(c); });
    for (const Container& c : o.spec->containers) {
      if (has_server && !is_postgres_container(c)) {
        continue;
      }
      const Resources& r = c.resources;
      const std::optional<Quantity>& cpu_q = r.cpu_limit ? r.cpu_limit : r.cpu_request;
      const std::optional<Quantity>& mem_q = r.memory_limit ? r.memory_limit : r.memory_request;
      const double cpu = cpu_q ? cpu_q->as_double() : 0;
      const double mem = mem_q ? mem_q->as_double() / k_gib : 0;
      const Evidence ev = evidence_at(*o.object, container_pointer(c, o.in_template) + "/resources",
                                      fmt::format("cpu {}, memory {}", cpu_q ? cpu_q->to_cpu_string() : "unset",
                                                  mem_q ? mem_q->to_binary_string() : "unset"));
      if (cpu + 1e-9 < t.db_cpu || mem + 1e-6 < t.db_memory_gib) {
        findings.push_back(finding(Outcome::warn,
                                   fmt::format("{}: in-cluster PostgreSQL {} container {} has {} CPU and {} memory; {}", head,
                                               describe(*o.object), c.name, cpu_q ? cpu_q->to_cpu_string() : "no",
                                               mem_q ? mem_q->to_binary_string() : "no", wanted),
                                   {ref(*o.object)}, {ev}));
      } else {
        findings.push_back(finding(Outcome::pass,
                                   fmt::format("{}: in-cluster PostgreSQL {} has {} CPU and {} memory; {}", head,
                                               describe(*o.object), cpu_q->to_cpu_string(), mem_q->to_binary_string(),
                                               wanted),
                                   {ref(*o.object)}, {ev}));
      }
    }
  }
  if (!findings.empty()) {
    return findings;
  }
  if (!snapshot.coverage("pods").usable()) {
    return {finding(Outcome::unknown,
                    fmt::format("{}: pods were not collected, so the database's size cannot be seen; {}", head, wanted),
                    {}, basis->evidence)};
  }
  const ServerSetting pg = server_setting(snapshot, "CODER_PG_CONNECTION_URL");
  if (pg.state == ServerSetting::State::unset) {
    return {finding(Outcome::info,
                    fmt::format("{}: coderd runs its built-in PostgreSQL (CODER_PG_CONNECTION_URL is not set), which no "
                                "tier is sized for (see database-builtin); an external database needs: {}",
                                head, wanted),
                    {}, basis->evidence)};
  }
  return {finding(Outcome::info,
                  fmt::format("{}: {}, so its size cannot be seen here; {}", head,
                              pg.state == ServerSetting::State::set ? "the database is outside the cluster"
                                                                    : "no PostgreSQL runs in the cluster",
                              wanted),
                  {}, basis->evidence)};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "sizing-database",
  .area = "sizing",
  .title = "The database is sized for the tier",
  .description = "Compares an in-cluster PostgreSQL's CPU and memory with the tier (warn when below); for an external "
                 "database, states what the reference asks for (info), since its size is invisible from the cluster.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Give PostgreSQL the tier's vCPU and memory (add 2 vCPU per 1,000 active users; one more core per "
                 "coderd replica with external token encryption), on a non-burstable instance type.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
