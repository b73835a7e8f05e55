// Flags coderd, provisioner and workspace-proxy images on `latest`, no tag, or another moving tag.
// A moving tag upgrades (or downgrades) Coder whenever a pod restarts, replicas drift apart, and
// Coder cannot be downgraded without restoring the database.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

constexpr std::string_view k_moving[] = {"latest", "main", "master", "stable", "mainline", "edge", "nightly", "dev", "preview"};

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const auto objects = templates_with_roles(snapshot, {CoderRole::coderd, CoderRole::provisioner, CoderRole::workspace_proxy});
  if (objects.empty()) {
    return missing_coderd(snapshot);
  }
  std::vector<Finding> findings;
  int pinned = 0;
  for (const RoleObject& o : objects) {
    for (const Container* c : o.spec->all_containers()) {
      bool digest = false;
      const std::string tag = image_tag(c->image, &digest);
      const Evidence ev = evidence_at(*o.object, container_pointer(*c, o.in_template) + "/image", c->image);
      if (digest) {
        ++pinned;
        continue;
      }
      if (tag.empty() || std::find(std::begin(k_moving), std::end(k_moving), tag) != std::end(k_moving)) {
        findings.push_back(finding(Outcome::warn,
                                   fmt::format("{} container {} uses image {}{}: the version changes whenever the pod "
                                               "restarts",
                                               describe(*o.object), c->name, c->image,
                                               tag.empty() ? " (no tag, so `latest`)" : ""),
                                   {ref(*o.object)}, {ev}));
        continue;
      }
      ++pinned;
    }
  }
  if (findings.empty()) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} Coder container image(s) pinned to a version or digest", pinned)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "image-tags",
  .area = "observability",
  .title = "Coder images are pinned to a version",
  .description = "Flags coderd, provisioner and workspace-proxy containers whose image has no tag or a moving tag "
                 "(`latest`, `main`, `stable`, ...).",
  .severity = Outcome::warn,
  .inputs = {},
  .remediation = "Pin `coder.image.tag` (and the provisioner chart's tag) to a release such as `v2.18.5`, or to a "
                 "digest, and upgrade deliberately after a database backup.",
  .doc_url = "https://coder.com/docs/install/kubernetes",
  .run = &analyze,
});
