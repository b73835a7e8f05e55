#include "helpers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <algorithm>

namespace cva {

ObjectRef ref(const KubeObject& object)
{
  return ObjectRef{object.kind, object.meta.namespace_, object.meta.name};
}

std::string describe(const KubeObject& object)
{
  return object.meta.namespace_.empty() ? fmt::format("{} {}", object.kind, object.meta.name)
                                        : fmt::format("{} {}/{}", object.kind, object.meta.namespace_, object.meta.name);
}

Evidence evidence_at(const KubeObject& object, std::string_view sub_pointer, std::string value)
{
  return Evidence{object.source.path, object.source.pointer + std::string(sub_pointer), excerpt(value)};
}

Finding finding(Outcome outcome, std::string message, std::vector<ObjectRef> objects,
                std::vector<Evidence> evidence)
{
  return Finding{outcome, std::move(message), std::move(objects), std::move(evidence)};
}

std::string container_pointer(const Container& container, bool in_template)
{
  return fmt::format("{}/{}/{}", in_template ? "/spec/template/spec" : "/spec",
                     container.init ? "initContainers" : "containers", container.index);
}

std::vector<Finding> missing_coderd(const Snapshot& snapshot)
{
  if (!snapshot.coder.coderd.empty() || !snapshot.coder.coderd_workloads.empty()) {
    return {};
  }
  const Coverage& pods = snapshot.coverage("pods");
  const Coverage& deployments = snapshot.coverage("deployments");
  if (!pods.usable() && !deployments.usable()) {
    return {finding(Outcome::unknown,
                    fmt::format("coderd could not be looked for: pods {} ({}), deployments {} ({})",
                                to_string(pods.state), pods.message, to_string(deployments.state),
                                deployments.message))};
  }
  return {finding(Outcome::unknown,
                  "no coderd found: no pod or Deployment has the Helm chart's shape "
                  "(label app.kubernetes.io/name=coder, container `coder` running `server`)")};
}

} // namespace cva

namespace cva {

HostVolumeScan scan_host_volumes(const Snapshot& snapshot, std::string_view ns, const PodSpec& spec,
                                 bool in_template)
{
  HostVolumeScan scan;
  const std::string base = in_template ? "/spec/template/spec/volumes/" : "/spec/volumes/";
  for (std::size_t i = 0; i < spec.volumes.size(); ++i) {
    const Volume& v = spec.volumes[i];
    const std::string pointer = base + std::to_string(i);
    if (v.type == "hostPath") {
      scan.found.push_back(HostVolume{v.name, "hostPath", v.detail, pointer, nullptr});
      continue;
    }
    if (v.type != "persistentVolumeClaim") {
      continue;
    }
    const PersistentVolumeClaim* pvc = snapshot.find_pvc(ns, v.detail);
    if (pvc == nullptr) {
      const Coverage& c = snapshot.coverage("persistentvolumeclaims");
      scan.unresolved.push_back(
        fmt::format("{} (claim {})", v.detail, c.usable() ? "not found" : std::string(to_string(c.state))));
      continue;
    }
    if (pvc->volume_name.empty()) {
      // Unbound: the class decides what it will get; a no-provisioner class means local volumes.
      const StorageClass* sc = pvc->storage_class ? snapshot.find_storage_class(*pvc->storage_class)
                                                  : snapshot.default_storage_class();
      if (sc != nullptr && sc->provisioner == "kubernetes.io/no-provisioner") {
        scan.found.push_back(HostVolume{v.name, "local", fmt::format("(StorageClass {} has no provisioner)", sc->meta.name),
                                        pointer, nullptr});
      }
      continue;
    }
    const PersistentVolume* pv = snapshot.find_pv(pvc->volume_name);
    if (pv == nullptr) {
      const Coverage& c = snapshot.coverage("persistentvolumes");
      scan.unresolved.push_back(fmt::format("{} (volume {} {})", v.detail, pvc->volume_name,
                                            c.usable() ? "not found" : std::string(to_string(c.state))));
      continue;
    }
    if (pv->type == "hostPath" || pv->type == "local") {
      scan.found.push_back(HostVolume{v.name, pv->type, pv->detail, pointer, pv});
    }
  }
  return scan;
}

const StringMap& pod_labels(const RoleObject& object)
{
  return object.in_template ? static_cast<const Workload*>(object.object)->template_meta.labels
                            : object.object->meta.labels;
}

const StringMap& pod_annotations(const RoleObject& object)
{
  return object.in_template ? static_cast<const Workload*>(object.object)->template_meta.annotations
                            : object.object->meta.annotations;
}

std::vector<RoleObject> objects_with_roles(const Snapshot& snapshot, std::initializer_list<CoderRole> roles)
{
  const auto wanted = [&](CoderRole r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  std::vector<RoleObject> out;
  for (const Pod& p : snapshot.pods) {
    if (wanted(p.role)) {
      out.push_back(RoleObject{&p, &p.spec, false});
    }
  }
  for (const Workload& w : snapshot.workloads) {
    if (wanted(w.role) && snapshot.pods_of(w).empty()) {
      out.push_back(RoleObject{&w, &w.template_spec, true});
    }
  }
  return out;
}

} // namespace cva

namespace cva {

std::vector<Evidence> setting_evidence(const ServerSetting& setting)
{
  std::vector<Evidence> out;
  for (const SettingSource& s : setting.sources) {
    out.push_back(Evidence{s.path, s.pointer, excerpt(s.value)});
  }
  return out;
}

std::vector<RoleObject> templates_with_roles(const Snapshot& snapshot, std::initializer_list<CoderRole> roles)
{
  const auto wanted = [&](CoderRole r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  std::vector<RoleObject> out;
  for (const Workload& w : snapshot.workloads) {
    if (wanted(w.role)) {
      out.push_back(RoleObject{&w, &w.template_spec, true});
    }
  }
  for (const Pod& p : snapshot.pods) {
    if (wanted(p.role) && (p.workload_kind.empty() ||
                           snapshot.find_workload(p.workload_kind, p.meta.namespace_, p.workload_name) == nullptr)) {
      out.push_back(RoleObject{&p, &p.spec, false});
    }
  }
  return out;
}

std::vector<RoleObject> coderd_templates(const Snapshot& snapshot)
{
  std::vector<RoleObject> out;
  for (const Workload* w : snapshot.coder.coderd_workloads) {
    out.push_back(RoleObject{w, &w->template_spec, true});
  }
  if (out.empty()) {
    for (const Pod* p : snapshot.coder.coderd) {
      out.push_back(RoleObject{p, &p->spec, false});
    }
  }
  return out;
}

int coderd_replica_count(const Snapshot& snapshot)
{
  int n = 0;
  for (const Workload* w : snapshot.coder.coderd_workloads) {
    n += w->desired_replicas();
  }
  return snapshot.coder.coderd_workloads.empty() ? static_cast<int>(snapshot.coder.coderd.size()) : n;
}

int external_provisioner_count(const Snapshot& snapshot)
{
  int n = 0;
  for (const Workload* w : snapshot.coder.provisioner_workloads) {
    n += w->desired_replicas();
  }
  for (const Pod* p : snapshot.coder.provisioners) {
    const bool owned = std::any_of(snapshot.coder.provisioner_workloads.begin(), snapshot.coder.provisioner_workloads.end(),
                                   [&](const Workload* w) {
                                     return w->meta.namespace_ == p->meta.namespace_ && w->kind == p->workload_kind &&
                                            w->meta.name == p->workload_name;
                                   });
    n += owned ? 0 : 1;
  }
  return n;
}

std::optional<SizingBasis> sizing_basis(const Snapshot& snapshot, const AnalysisOptions& options)
{
  SizingBasis b;
  b.edition = options.edition;
  const std::optional<UserCount> observed = observed_user_count(snapshot);
  if (options.users) {
    b.users = *options.users;
    b.source = "users set in --config";
  } else if (observed) {
    b.users = observed->users;
    b.source = observed->source;
    b.evidence.push_back(Evidence{observed->path, observed->pointer, std::to_string(observed->users)});
  }
  if (options.tier) {
    b.tier = *options.tier;
    b.source = b.users ? fmt::format("tier set in --config; {} users from {}", *b.users, b.source)
                       : std::string("tier set in --config");
  } else if (b.users) {
    b.tier = std::string(tier_for_users(*b.users));
  } else {
    return std::nullopt;
  }
  b.spec = find_tier(b.tier, b.edition);
  if (b.spec == nullptr) {
    return std::nullopt;
  }
  return b;
}

std::vector<Finding> missing_setting(const Snapshot& snapshot, const ServerSetting& setting)
{
  return setting.sources.empty() ? missing_coderd(snapshot) : std::vector<Finding>{};
}

Finding no_user_count(std::string_view what)
{
  return finding(Outcome::unknown,
                 fmt::format("the user count is unknown, so {} cannot be judged: no user metrics "
                             "(coderd_api_total_user_count), entitlements or users list in the input; set "
                             "`users:` or `tier:` in --config",
                             what));
}

std::string describe_basis(const SizingBasis& basis)
{
  std::string users = basis.users ? fmt::format("{} users, {}", *basis.users, basis.source) : basis.source;
  std::string edition(edition_description(basis.spec->edition));
  if (basis.spec->edition != basis.edition) {
    edition += " (the previous edition has no 10k page)";
  }
  return fmt::format("tier {} ({}); numbers from {}", basis.tier, users, edition);
}

std::string image_tag(std::string_view image, bool* digest)
{
  if (digest != nullptr) {
    *digest = image.find('@') != std::string_view::npos;
  }
  const auto at = image.find('@');
  const std::string_view name = image.substr(0, at);
  const auto slash = name.rfind('/');
  const auto colon = name.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return {};
  }
  return std::string(name.substr(colon + 1));
}

std::optional<std::pair<int, int>> major_minor(std::string_view version)
{
  static const RE2 k_version(R"(^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$)");
  int major = 0;
  int minor = 0;
  if (RE2::FullMatch(re2::StringPiece(version.data(), version.size()), k_version, &major, &minor)) {
    return std::pair{major, minor};
  }
  return std::nullopt;
}

std::vector<Finding> health_section_findings(const Snapshot& snapshot, std::string_view key)
{
  const std::optional<HealthReport> report = health_report(snapshot);
  if (!report) {
    return {finding(Outcome::unknown, "no Coder health report in the input")};
  }
  const HealthSection* s = report->section(key);
  if (s == nullptr || !s->present) {
    return {finding(Outcome::unknown,
                    fmt::format("the health report ({}) has no `{}` section: this Coder version does not run that "
                                "check, or the report was cut short",
                                report->path, key))};
  }
  std::vector<Finding> out;
  Evidence ev{report->path, s->pointer + "/severity", s->severity.empty() ? "(none)" : s->severity};
  Outcome o = Outcome::pass;
  if (s->severity == "error") {
    o = Outcome::fail;
  } else if (s->severity == "warning") {
    o = Outcome::warn;
  } else if (s->severity != "ok") {
    o = Outcome::unknown;
  }
  const std::vector<std::string> codes = s->codes();
  std::string head = fmt::format("{}: Coder's health check reports {}", s->title, s->severity.empty() ? "no severity" : s->severity);
  if (s->dismissed) {
    std::string hidden = codes.empty() ? std::string("no codes") : fmt::format("{}", fmt::join(codes, ", "));
    out.push_back(finding(Outcome::info,
                          fmt::format("{}: dismissed by an administrator (health settings), so Coder's /health page "
                                      "no longer shows it; underneath it reports {} ({})",
                                      s->title, s->severity.empty() ? "no severity" : s->severity, hidden),
                          {}, {ev}));
    return out;
  }
  if (codes.empty()) {
    if (!s->error.empty()) {
      head += ": " + s->error;
    }
    out.push_back(finding(o, std::move(head), {}, {ev}));
    return out;
  }
  for (const std::string& code : codes) {
    std::string detail;
    if (code == s->error_code) {
      detail = s->error;
    }
    for (const HealthWarning& w : s->warnings) {
      if (w.code == code && detail.empty()) {
        detail = w.message;
      }
    }
    out.push_back(finding(o == Outcome::pass ? Outcome::warn : o,
                          fmt::format("{}: {}{}; {}", s->title, describe_health_code(code),
                                      detail.empty() ? std::string() : fmt::format(" (\"{}\")", excerpt(detail, 160)),
                                      health_code_url(code)),
                          {}, {ev}));
  }
  return out;
}

} // namespace cva

namespace cva {

std::optional<int> ProvisionerCapacity::builtin() const
{
  if (builtin_per_replica && cluster_known) {
    return *builtin_per_replica * coderd_replicas;
  }
  if (builtin_per_replica && *builtin_per_replica == 0) {
    return 0;
  }
  if (health_builtin >= 0) {
    return health_builtin;
  }
  return std::nullopt;
}

std::optional<int> ProvisionerCapacity::external_seen() const
{
  if (!cluster_known && health_external < 0) {
    return std::nullopt;
  }
  return std::max(external, health_external);
}

std::optional<int> ProvisionerCapacity::total() const
{
  const std::optional<int> b = builtin();
  const std::optional<int> e = external_seen();
  if (b && e) {
    return *b + *e;
  }
  if (health_total >= 0) {
    return health_total;
  }
  return std::nullopt;
}

std::string ProvisionerCapacity::describe() const
{
  const std::optional<int> t = total();
  const std::optional<int> b = builtin();
  const std::optional<int> e = external_seen();
  if (b && e) {
    return fmt::format("{} daemon(s) ({} external, {} built-in{})", *t, *e, *b,
                       cluster_known && builtin_per_replica
                         ? fmt::format(": {} per replica x {} replica(s)", *builtin_per_replica, coderd_replicas)
                         : std::string());
  }
  if (t) {
    return fmt::format("{} daemon(s) listed by the health report", *t);
  }
  return "an unknown number of daemons";
}

ProvisionerCapacity provisioner_capacity(const Snapshot& snapshot)
{
  ProvisionerCapacity c;
  c.setting = server_setting(snapshot, "CODER_PROVISIONER_DAEMONS");
  c.coderd_replicas = coderd_replica_count(snapshot);
  c.external = external_provisioner_count(snapshot);
  c.cluster_known = c.coderd_replicas > 0 && (snapshot.coverage("pods").usable() || snapshot.coverage("deployments").usable());
  if (c.setting.state == ServerSetting::State::unset) {
    c.builtin_per_replica = 3;
    if (c.setting.value) {
      try {
        c.builtin_per_replica = std::stoi(*c.setting.value);
      } catch (const std::exception&) {
      }
    }
  } else if (c.setting.state == ServerSetting::State::set && c.setting.value) {
    try {
      c.builtin_per_replica = std::stoi(*c.setting.value);
    } catch (const std::exception&) {
    }
  }
  if (const std::optional<HealthReport> report = health_report(snapshot);
      report && report->section("provisioner_daemons") != nullptr && report->section("provisioner_daemons")->present) {
    c.health_total = static_cast<int>(report->provisioners.size());
  }
  if (const std::optional<HealthReport> report = health_report(snapshot);
      report && c.health_total >= 0 && !snapshot.coder.coderd.empty()) {
    c.health_external = 0;
    c.health_builtin = 0;
    for (const HealthProvisioner& p : report->provisioners) {
      const bool inside = std::any_of(snapshot.coder.coderd.begin(), snapshot.coder.coderd.end(),
                                      [&](const Pod* pod) { return p.name.starts_with(pod->meta.name + "-"); });
      ++(inside ? c.health_builtin : c.health_external);
    }
    if (!c.builtin_per_replica && c.coderd_replicas > 0) {
      c.builtin_per_replica = c.health_builtin / c.coderd_replicas;
    }
  }
  return c;
}

} // namespace cva

namespace cva {

namespace {

struct Migration
{
  std::string_view in_tree;
  std::string_view csi;
};

constexpr Migration k_migrations[] = {
  {"kubernetes.io/aws-ebs", "ebs.csi.aws.com"},
  {"kubernetes.io/gce-pd", "pd.csi.storage.gke.io"},
  {"kubernetes.io/azure-disk", "disk.csi.azure.com"},
  {"kubernetes.io/azure-file", "file.csi.azure.com"},
  {"kubernetes.io/cinder", "cinder.csi.openstack.org"},
  {"kubernetes.io/vsphere-volume", "csi.vsphere.vmware.com"},
  {"kubernetes.io/portworx-volume", "pxd.portworx.com"},
  {"kubernetes.io/rbd", "rbd.csi.ceph.com"},
  {"kubernetes.io/cephfs", "cephfs.csi.ceph.com"},
};

constexpr std::string_view k_node_local[] = {
  "kubernetes.io/no-provisioner", "rancher.io/local-path", "openebs.io/local", "microk8s.io/hostpath",
  "k8s.io/minikube-hostpath", "docker.io/hostpath", "local.csi.openebs.io", "topolvm.io", "lvm.csi.metal-stack.io",
};

constexpr std::string_view k_shared_fs[] = {
  "efs.csi.aws.com", "filestore.csi.storage.gke.io", "file.csi.azure.com", "kubernetes.io/azure-file",
  "nfs.csi.k8s.io", "cephfs.csi.ceph.com", "kubernetes.io/cephfs", "cluster.local/nfs-subdir-external-provisioner",
  "k8s-sigs.io/nfs-subdir-external-provisioner", "fsx.csi.aws.com",
};

} // namespace

bool is_in_tree_provisioner(std::string_view provisioner)
{
  return provisioner.starts_with("kubernetes.io/") && provisioner != "kubernetes.io/no-provisioner";
}

std::string_view csi_migration_target(std::string_view provisioner)
{
  for (const Migration& m : k_migrations) {
    if (m.in_tree == provisioner) {
      return m.csi;
    }
  }
  return {};
}

bool is_node_local_provisioner(std::string_view provisioner)
{
  return std::find(std::begin(k_node_local), std::end(k_node_local), provisioner) != std::end(k_node_local);
}

bool is_shared_filesystem_provisioner(std::string_view provisioner)
{
  return std::find(std::begin(k_shared_fs), std::end(k_shared_fs), provisioner) != std::end(k_shared_fs) ||
         provisioner.find("nfs") != std::string_view::npos;
}

std::vector<const PersistentVolumeClaim*> workspace_pvcs(const Snapshot& snapshot)
{
  std::vector<const PersistentVolumeClaim*> out;
  const auto add = [&](const PersistentVolumeClaim* c) {
    if (c != nullptr && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(c);
    }
  };
  for (const RoleObject& o : objects_with_roles(snapshot, {CoderRole::workspace})) {
    for (const Volume& v : o.spec->volumes) {
      if (v.type == "persistentVolumeClaim") {
        add(snapshot.find_pvc(o.object->meta.namespace_, v.detail));
      }
    }
  }
  for (const PersistentVolumeClaim& c : snapshot.pvcs) {
    const auto name = c.meta.labels.find("app.kubernetes.io/name");
    if (c.meta.labels.contains("com.coder.workspace.id") ||
        (name != c.meta.labels.end() && name->second == "coder-pvc")) {
      add(&c);
    }
  }
  std::sort(out.begin(), out.end(), [](const PersistentVolumeClaim* a, const PersistentVolumeClaim* b) {
    return std::tie(a->meta.namespace_, a->meta.name) < std::tie(b->meta.namespace_, b->meta.name);
  });
  return out;
}

} // namespace cva
