// Checks that a default StorageClass exists when claims omit storageClassName, as Coder's example
// Kubernetes template does. Without a default such claims stay Pending forever; with several
// defaults, which one applies depends on the cluster version.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace {

using namespace cva;

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<const StorageClass*> defaults;
  for (const StorageClass& sc : snapshot.storage_classes) {
    if (sc.is_default) {
      defaults.push_back(&sc);
    }
  }
  std::vector<ObjectRef> omitting;
  for (const PersistentVolumeClaim& c : snapshot.pvcs) {
    if (!c.storage_class) {
      omitting.push_back(ref(c));
    }
  }
  if (defaults.size() > 1) {
    std::vector<std::string> names;
    std::vector<ObjectRef> refs;
    for (const StorageClass* sc : defaults) {
      names.push_back(sc->meta.name);
      refs.push_back(ref(*sc));
    }
    return {finding(Outcome::warn,
                    fmt::format("{} StorageClasses are marked default ({}): claims without a class get whichever the "
                                "API server picks (the newest since Kubernetes 1.26)",
                                defaults.size(), fmt::join(names, ", ")),
                    std::move(refs))};
  }
  if (defaults.empty()) {
    if (!omitting.empty()) {
      return {finding(Outcome::fail,
                      fmt::format("{} PersistentVolumeClaim(s) omit storageClassName but no StorageClass is the default: "
                                  "new claims like these stay Pending (Coder's example template omits the class)",
                                  omitting.size()),
                      std::move(omitting))};
    }
    return {finding(Outcome::info, "no StorageClass is the default; no claim in the input relies on one, but Coder's "
                                   "example template does")};
  }
  const StorageClass& d = *defaults.front();
  return {finding(Outcome::pass,
                  fmt::format("StorageClass {} ({}) is the default; {} claim(s) rely on it", d.meta.name, d.provisioner,
                              omitting.size()),
                  {ref(d)}, {evidence_at(d, "/metadata/annotations", "storageclass.kubernetes.io/is-default-class=true")})};
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "default-storage-class",
  .area = "storage",
  .title = "A default StorageClass exists for claims that name none",
  .description = "Fails when claims omit storageClassName and no StorageClass is the default; warns when several are.",
  .severity = Outcome::fail,
  .inputs = {"storageclasses", "persistentvolumeclaims"},
  .remediation = "Annotate exactly one CSI StorageClass with `storageclass.kubernetes.io/is-default-class: \"true\"`, "
                 "or set `storage_class_name` in the workspace template's claim.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
