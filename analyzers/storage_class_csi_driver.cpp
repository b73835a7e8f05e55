// Checks that each StorageClass's provisioner is an installed CSI driver (it has a CSIDriver
// object). The validated architecture recommends a CSI driver with dynamic provisioning;
// external non-CSI provisioners and in-tree plugins without their CSI replacement are outside it.
#include <core/check/helpers.hpp>
#include <core/check/registry.hpp>

#include <fmt/format.h>

namespace {

using namespace cva;

bool has_driver(const Snapshot& snapshot, std::string_view name)
{
  return std::any_of(snapshot.csi_drivers.begin(), snapshot.csi_drivers.end(),
                     [&](const CsiDriver& d) { return d.meta.name == name; });
}

std::vector<Finding> analyze(const Snapshot& snapshot, const AnalysisOptions&)
{
  std::vector<Finding> findings;
  int csi = 0;
  for (const StorageClass& sc : snapshot.storage_classes) {
    const Evidence ev = evidence_at(sc, "/provisioner", sc.provisioner);
    if (sc.provisioner == "kubernetes.io/no-provisioner") {
      findings.push_back(finding(Outcome::info,
                                 fmt::format("StorageClass {} has no provisioner: volumes are pre-created local or "
                                             "static PersistentVolumes",
                                             sc.meta.name),
                                 {ref(sc)}, {ev}));
      continue;
    }
    if (is_in_tree_provisioner(sc.provisioner)) {
      const std::string_view target = csi_migration_target(sc.provisioner);
      if (!target.empty() && has_driver(snapshot, target)) {
        findings.push_back(finding(Outcome::info,
                                   fmt::format("StorageClass {} uses the in-tree provisioner {}; CSI driver {} is "
                                               "installed, so the API server migrates it",
                                               sc.meta.name, sc.provisioner, target),
                                   {ref(sc)}, {ev}));
      } else {
        findings.push_back(finding(Outcome::warn,
                                   fmt::format("StorageClass {} uses the in-tree provisioner {} and no CSI driver{} is "
                                               "installed: in-tree plugins are deprecated and most are removed",
                                               sc.meta.name, sc.provisioner,
                                               target.empty() ? std::string() : fmt::format(" ({})", target)),
                                   {ref(sc)}, {ev}));
      }
      continue;
    }
    if (!has_driver(snapshot, sc.provisioner)) {
      findings.push_back(finding(Outcome::warn,
                                 fmt::format("StorageClass {} uses provisioner {}, which has no CSIDriver object: it is "
                                             "not a CSI driver, or the driver is not installed",
                                             sc.meta.name, sc.provisioner),
                                 {ref(sc)}, {ev}));
      continue;
    }
    ++csi;
  }
  if (snapshot.storage_classes.empty()) {
    return {finding(Outcome::info, "no StorageClass in the cluster")};
  }
  if (findings.empty() || csi > 0) {
    findings.push_back(finding(Outcome::pass, fmt::format("{} StorageClass(es) use an installed CSI driver", csi)));
  }
  return findings;
}

} // namespace

CVA_REGISTER_CHECK({
  .id = "storage-class-csi-driver",
  .area = "storage",
  .title = "StorageClasses use installed CSI drivers",
  .description = "Flags StorageClasses whose provisioner has no CSIDriver object: external non-CSI provisioners and "
                 "in-tree plugins without their CSI driver (warn); migrated in-tree classes and no-provisioner "
                 "classes are info.",
  .severity = Outcome::warn,
  .inputs = {"storageclasses", "csidrivers"},
  .remediation = "Install your platform's CSI driver (see the Kubernetes CSI driver list) and create StorageClasses "
                 "with its name as the provisioner.",
  .doc_url = "https://coder.com/docs/admin/infrastructure/validated-architectures",
  .run = &analyze,
});
