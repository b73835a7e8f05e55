// Checks the StorageClasses behind workspace claims. In-tree volume plugins (`kubernetes.io/*`)
// are deprecated and mostly removed, and node-local provisioners (no-provisioner, local-path)
// strand a home directory on one node; the validated architecture asks for a CSI driver with
// dynamic provisioning.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace {

using namespace cva;

constexpr std::size_t k_names_shown = 5;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  const std::vector<const PersistentVolumeClaim*> claims = workspace_pvcs(snapshot);
  if (claims.empty()) {
    return {finding(Outcome::unknown, "no workspace PersistentVolumeClaim in the input, so their storage classes "
                                      "could not be checked")};
  }
  std::map<std::string, std::vector<const PersistentVolumeClaim*>> by_class;
  for (const PersistentVolumeClaim* c : claims) {
    std::string cls;
    if (c->storage_class) {
      cls = c->storage_class->empty() ? "(none: static binding)" : *c->storage_class;
    } else if (const StorageClass* d = snapshot.default_storage_class()) {
      cls = d->meta.name;
    } else {
      cls = "(default, but no default class exists)";
    }
    by_class[cls].push_back(c);
  }
  std::vector<Finding> findings;
  for (const auto& [cls, pvcs] : by_class) {
    std::vector<std::string> names;
    std::vector<ObjectRef> refs;
    for (const PersistentVolumeClaim* c : pvcs) {
      if (names.size() < k_names_shown) {
        names.push_back(c->meta.namespace_ + "/" + c->meta.name);
      }
      refs.push_back(ref(*c));
    }
    const std::string list = fmt::format("{}{}", fmt::join(names, ", "),
                                         pvcs.size() > k_names_shown ? fmt::format(" and {} more", pvcs.size() - k_names_shown) : "");
    const StorageClass* sc = snapshot.find_storage_class(cls);
    if (sc == nullptr) {
      findings.push_back(finding(Outcome::unknown,
                                 fmt::format("{} workspace claim(s) use class {}, which is not in the input: {}",
                                             pvcs.size(), cls, list),
                                 std::move(refs)));
      continue;
    }
    const Evidence ev = evidence_at(*sc, "/provisioner", sc->provisioner);
    refs.insert(refs.begin(), ref(*sc));
    if (is_in_tree_provisioner(sc->provisioner)) {
      const std::string_view csi = csi_migration_target(sc->provisioner);
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} workspace claim(s) use class {} with the in-tree provisioner {}{}: {}",
                                             pvcs.size(), cls, sc->provisioner,
                                             csi.empty() ? std::string() : fmt::format(" (its CSI driver is {})", csi), list),
                                 std::move(refs), {ev}));
    } else if (is_node_local_provisioner(sc->provisioner)) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("{} workspace claim(s) use class {} with the node-local provisioner {}: "
                                             "their data stays on one node: {}",
                                             pvcs.size(), cls, sc->provisioner, list),
                                 std::move(refs), {ev}));
    } else {
      findings.push_back(finding(Outcome::pass,
                                 fmt::format("{} workspace claim(s) use class {} ({})", pvcs.size(), cls, sc->provisioner),
                                 {ref(*sc)}, {ev}));
    }
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "workspace-storage-class",
  .area = "storage",
  .title = "Workspace volumes use a CSI storage class",
  .description = "Flags workspace PersistentVolumeClaims whose StorageClass uses an in-tree `kubernetes.io/*` "
                 "provisioner or a node-local one (no-provisioner, local-path, OpenEBS local).",
  .severity = Outcome::warn,
  .inputs = {"persistentvolumeclaims", "storageclasses"},
  .remediation = "Install your platform's CSI driver and create a StorageClass on it (dynamic provisioning, "
                 "`WaitForFirstConsumer`), then point the workspace template's claim at it.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
