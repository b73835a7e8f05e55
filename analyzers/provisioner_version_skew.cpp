// Compares the MAJOR.MINOR version of provisioners and workspace proxies with coderd's. Coder
// supports daemons at most one minor behind and warns (EPD02) otherwise; mixed versions after a
// partial upgrade are a common cause of failed builds.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

struct Version
{
  std::string text;
  std::string where;
  Evidence evidence;
};

std::optional<Version> server_version(const Snapshot& snapshot, const std::optional<HealthReport>& report)
{
  if (const CoderDocument* b = snapshot.coder_data.find("buildinfo")) {
    if (const std::string v = json_string(b->json, "version"); major_minor(v)) {
      return Version{v, "buildinfo", Evidence{b->path, "/version", v}};
    }
  }
  if (report && major_minor(report->coder_version)) {
    return Version{report->coder_version, "health report", Evidence{report->path, "/coder_version", report->coder_version}};
  }
  for (const RoleObject& o : coderd_templates(snapshot)) {
    if (const Container* c = coderd_container(o.spec->containers); c && major_minor(image_tag(c->image))) {
      return Version{image_tag(c->image), "coderd image",
                     evidence_at(*o.object, container_pointer(*c, o.in_template) + "/image", c->image)};
    }
  }
  return std::nullopt;
}

std::string mm(const std::string& v)
{
  const auto m = major_minor(v);
  return m ? fmt::format("{}.{}", m->first, m->second) : v;
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const std::optional<HealthReport> report = health_report(snapshot);
  const std::optional<Version> server = server_version(snapshot, report);
  if (!server) {
    return {finding(Outcome::unknown, "coderd's version is unknown: no buildinfo, health report or versioned coderd "
                                      "image tag in the input")};
  }
  std::vector<Finding> findings;
  int compared = 0;
  std::vector<std::string> unversioned;
  const auto compare = [&](const std::string& what, const std::string& version, std::vector<ObjectRef> refs, Evidence ev) {
    if (!major_minor(version)) {
      unversioned.push_back(fmt::format("{} ({})", what, version.empty() ? "no tag" : version));
      return;
    }
    ++compared;
    if (mm(version) != mm(server->text)) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} runs {} but coderd runs {} ({}): keep provisioners and proxies on the "
                                             "server's MAJOR.MINOR",
                                             what, version, server->text, server->where),
                                 std::move(refs), {std::move(ev), server->evidence}));
    }
  };
  for (const RoleObject& o : templates_with_roles(snapshot, {CoderRole::provisioner, CoderRole::workspace_proxy})) {
    for (const Container& c : o.spec->containers) {
      if (c.name == "coder" || c.image.find("coder/coder") != std::string::npos) {
        compare(fmt::format("{} (image {})", describe(*o.object), c.image), image_tag(c.image),
                {ref(*o.object)}, evidence_at(*o.object, container_pointer(c, o.in_template) + "/image", c.image));
      }
    }
  }
  if (report) {
    for (const HealthProvisioner& p : report->provisioners) {
      compare(fmt::format("provisioner daemon {} (health report)", p.name), p.version, {},
              Evidence{report->path, p.pointer + "/provisioner_daemon/version", p.version});
    }
    for (const std::string& proxy : report->proxy_versions) {
      const auto space = proxy.rfind(' ');
      compare(fmt::format("workspace proxy {} (health report)", proxy.substr(0, space)), proxy.substr(space + 1), {},
              Evidence{report->path, "/workspace_proxy/workspace_proxies/regions", proxy});
    }
  }
  if (findings.empty()) {
    if (compared == 0) {
      if (!unversioned.empty()) {
        return {finding(Outcome::unknown, fmt::format("no comparable version: {} (tags without a version)",
                                                      fmt::join(unversioned, ", ")))};
      }
      const bool cluster_seen = snapshot.coverage("pods").usable() || snapshot.coverage("deployments").usable();
      const HealthSection* daemons = report ? report->section("provisioner_daemons") : nullptr;
      if (!cluster_seen && (daemons == nullptr || !daemons->present)) {
        return {finding(Outcome::unknown,
                        fmt::format("coderd runs {}, but no pods, workloads or health-report daemons were in the input "
                                    "to compare it with",
                                    server->text))};
      }
      return {finding(Outcome::pass, fmt::format("no external provisioner or workspace proxy to compare with coderd {}",
                                                 server->text))};
    }
    findings.push_back(finding(Outcome::pass, fmt::format("{} provisioner/proxy version(s) match coderd {} ({})", compared,
                                                          mm(server->text), server->where)));
  }
  if (!unversioned.empty()) {
    findings.push_back(finding(Outcome::info, fmt::format("not compared, no version in the tag: {}", fmt::join(unversioned, ", "))));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "provisioner-version-skew",
  .area = "provisioners",
  .title = "Provisioners and proxies run coderd's version",
  .description = "Compares MAJOR.MINOR of coderd (buildinfo, health report or image tag) with provisioner and "
                 "workspace-proxy images and the daemon versions in the health report.",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Upgrade provisioners and workspace proxies together with coderd, using the same image tag.",
  .doc_url = "https://coder.com/docs/admin/provisioners",
  .run = &analyze,
});
