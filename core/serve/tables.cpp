#include "tables.hpp"

#include <core/model/labels.hpp>
#include <core/serve/query.hpp>
#include <core/util/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

namespace cva::serve {

namespace {

struct Column
{
  std::string name;
  std::string type = "string";
  int priority = 0;
  std::string description;
  std::string format;
};

using CellFn = std::function<Json(const Json& obj, std::int64_t now)>;

struct TableSpec
{
  std::vector<Column> columns;
  CellFn cells;
};

const Json& meta(const Json& obj)
{
  return json_at(obj, "metadata");
}

std::string name_of(const Json& obj)
{
  return json_string(meta(obj), "name");
}

std::string age(const Json& obj, std::int64_t now)
{
  return age_since(json_string(meta(obj), "creationTimestamp"), now);
}

bool deleting(const Json& obj)
{
  return !json_string(meta(obj), "deletionTimestamp").empty();
}

// An integer field (absent reads as 0), as a JSON number so kubectl aligns it like the server's.
Json number(const Json& obj, std::string_view key, std::int64_t fallback = 0)
{
  return json_int(obj, key, fallback);
}

std::string or_none(std::string s, std::string_view none = "<none>")
{
  return s.empty() ? std::string(none) : s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep = ",")
{
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) {
      out += sep;
    }
    out += p;
  }
  return out;
}

// labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty.
std::string format_labels(const Json& map)
{
  std::vector<std::string> parts;
  for (const auto& [k, v] : to_string_map(map)) {
    parts.push_back(k + "=" + v);
  }
  return or_none(join(parts));
}

// metav1.FormatLabelSelector: requirements sorted by key, `<none>` for a null or empty selector.
std::string format_selector(const Json& selector)
{
  if (!selector.is_object()) {
    return "<none>";
  }
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& [k, v] : to_string_map(json_at(selector, "matchLabels"))) {
    parts.emplace_back(k, k + "=" + v);
  }
  for (const Json& expr : json_array(selector, "matchExpressions")) {
    const std::string key = json_string(expr, "key");
    const std::string op = json_string(expr, "operator");
    std::vector<std::string> values;
    for (const Json& v : json_array(expr, "values")) {
      if (v.is_string()) {
        values.push_back(v.get<std::string>());
      }
    }
    std::sort(values.begin(), values.end());
    if (op == "In") {
      parts.emplace_back(key, fmt::format("{} in ({})", key, join(values)));
    } else if (op == "NotIn") {
      parts.emplace_back(key, fmt::format("{} notin ({})", key, join(values)));
    } else if (op == "Exists") {
      parts.emplace_back(key, key);
    } else if (op == "DoesNotExist") {
      parts.emplace_back(key, "!" + key);
    } else {
      return "<invalid>";
    }
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [key, text] : parts) {
    out.push_back(std::move(text));
  }
  return or_none(join(out));
}

// layoutContainerCells: container names and images of a pod spec, comma-separated.
std::pair<std::string, std::string> containers_of(const Json& pod_spec)
{
  std::vector<std::string> names;
  std::vector<std::string> images;
  for (const Json& c : json_array(pod_spec, "containers")) {
    names.push_back(json_string(c, "name"));
    images.push_back(json_string(c, "image"));
  }
  return {join(names), join(images)};
}

const Json& template_spec(const Json& obj)
{
  return json_path(obj, {"spec", "template", "spec"});
}

std::string access_modes(const Json& modes)
{
  std::set<std::string> present;
  for (const Json& m : modes.is_array() ? modes : Json::array()) {
    if (m.is_string()) {
      present.insert(m.get<std::string>());
    }
  }
  std::vector<std::string> out;
  for (const auto& [mode, abbrev] : std::vector<std::pair<std::string, std::string>>{
         {"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}}) {
    if (present.contains(mode)) {
      out.push_back(abbrev);
    }
  }
  return join(out);
}

std::string storage_class_of(const Json& obj)
{
  const std::string annotated =
    json_string(json_at(meta(obj), "annotations"), "volume.beta.kubernetes.io/storage-class");
  return annotated.empty() ? json_string(json_at(obj, "spec"), "storageClassName") : annotated;
}

std::string quantity_or_zero(const Json& resources, std::string_view name)
{
  const Json& q = json_at(resources, name);
  if (q.is_string()) {
    return q.get<std::string>();
  }
  return q.is_number() ? q.dump() : "0";
}

std::optional<std::int64_t> time_of(const Json& obj, std::string_view key)
{
  return parse_rfc3339(json_string(obj, key));
}

// --- Pods ---

bool condition_true(const Json& status, std::string_view type)
{
  for (const Json& c : json_array(status, "conditions")) {
    if (json_string(c, "type") == type) {
      return json_string(c, "status") == "True";
    }
  }
  return false;
}

Json pod_cells(const Json& pod, std::int64_t now)
{
  const Json& spec = json_at(pod, "spec");
  const Json& status = json_at(pod, "status");
  std::int64_t restarts = 0;
  std::int64_t restartable_init_restarts = 0;
  std::int64_t total = static_cast<std::int64_t>(json_array(spec, "containers").size());
  std::int64_t ready = 0;
  std::optional<std::int64_t> last_restart;
  std::optional<std::int64_t> last_restartable_init_restart;
  const std::string phase = json_string(status, "phase");
  std::string reason = json_string(status, "reason", phase);
  for (const Json& c : json_array(status, "conditions")) {
    if (json_string(c, "type") == "PodScheduled" && json_string(c, "reason") == "SchedulingGated") {
      reason = "SchedulingGated";
    }
  }
  std::set<std::string> restartable_init;
  for (const Json& c : json_array(spec, "initContainers")) {
    if (json_string(c, "restartPolicy") == "Always") {
      restartable_init.insert(json_string(c, "name"));
      ++total;
    }
  }
  const auto later = [](std::optional<std::int64_t>& current, const Json& container) {
    const auto finished = time_of(json_path(container, {"lastState", "terminated"}), "finishedAt");
    if (finished && (!current || *current < *finished)) {
      current = finished;
    }
  };

  bool initializing = false;
  const Json& init_statuses = json_array(status, "initContainerStatuses");
  const std::size_t init_count = json_array(spec, "initContainers").size();
  for (std::size_t i = 0; i < init_statuses.size(); ++i) {
    const Json& c = init_statuses[i];
    const bool restartable = restartable_init.contains(json_string(c, "name"));
    restarts += json_int(c, "restartCount");
    later(last_restart, c);
    if (restartable) {
      restartable_init_restarts += json_int(c, "restartCount");
      later(last_restartable_init_restart, c);
    }
    const Json& terminated = json_path(c, {"state", "terminated"});
    const Json& waiting = json_path(c, {"state", "waiting"});
    if (terminated.is_object() && json_int(terminated, "exitCode") == 0) {
      continue;
    }
    if (restartable && json_bool(c, "started")) {
      ready += json_bool(c, "ready") ? 1 : 0;
      continue;
    }
    if (terminated.is_object()) {
      const std::string r = json_string(terminated, "reason");
      if (!r.empty()) {
        reason = "Init:" + r;
      } else if (json_int(terminated, "signal") != 0) {
        reason = fmt::format("Init:Signal:{}", json_int(terminated, "signal"));
      } else {
        reason = fmt::format("Init:ExitCode:{}", json_int(terminated, "exitCode"));
      }
    } else if (const std::string r = json_string(waiting, "reason"); !r.empty() && r != "PodInitializing") {
      reason = "Init:" + r;
    } else {
      reason = fmt::format("Init:{}/{}", i, init_count);
    }
    initializing = true;
    break;
  }

  if (!initializing || condition_true(status, "Initialized")) {
    restarts = restartable_init_restarts;
    last_restart = last_restartable_init_restart;
    bool has_running = false;
    const Json& statuses = json_array(status, "containerStatuses");
    for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
      const Json& c = *it;
      restarts += json_int(c, "restartCount");
      later(last_restart, c);
      const Json& terminated = json_path(c, {"state", "terminated"});
      const std::string waiting_reason = json_string(json_path(c, {"state", "waiting"}), "reason");
      if (!waiting_reason.empty()) {
        reason = waiting_reason;
      } else if (terminated.is_object() && !json_string(terminated, "reason").empty()) {
        reason = json_string(terminated, "reason");
      } else if (terminated.is_object()) {
        reason = json_int(terminated, "signal") != 0
                   ? fmt::format("Signal:{}", json_int(terminated, "signal"))
                   : fmt::format("ExitCode:{}", json_int(terminated, "exitCode"));
      } else if (json_bool(c, "ready") && json_path(c, {"state", "running"}).is_object()) {
        has_running = true;
        ++ready;
      }
    }
    if (reason == "Completed" && has_running) {
      reason = condition_true(status, "Ready") ? "Running" : "NotReady";
    }
  }
  if (deleting(pod) && json_string(status, "reason") == "NodeLost") {
    reason = "Unknown";
  } else if (deleting(pod) && phase != "Failed" && phase != "Succeeded") {
    reason = "Terminating";
  }

  std::string restarts_text = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    restarts_text = fmt::format("{} ({} ago)", restarts, human_duration(now - *last_restart));
  }
  std::string ip;
  if (const Json& ips = json_array(status, "podIPs"); !ips.empty()) {
    ip = json_string(ips[0], "ip");
  }
  std::string gates = "<none>";
  if (const Json& rg = json_array(spec, "readinessGates"); !rg.empty()) {
    std::int64_t true_count = 0;
    for (const Json& gate : rg) {
      true_count += condition_true(status, json_string(gate, "conditionType")) ? 1 : 0;
    }
    gates = fmt::format("{}/{}", true_count, rg.size());
  }
  return Json::array({name_of(pod), fmt::format("{}/{}", ready, total), reason, restarts_text,
                      age(pod, now), or_none(ip), or_none(json_string(spec, "nodeName")),
                      or_none(json_string(status, "nominatedNodeName")), gates});
}

// --- Nodes ---

Json node_cells(const Json& node, std::int64_t now)
{
  const Json& status = json_at(node, "status");
  std::vector<std::string> state;
  for (const Json& c : json_array(status, "conditions")) {
    if (json_string(c, "type") == "Ready") {
      state = {json_string(c, "status") == "True" ? "Ready" : "NotReady"};
    }
  }
  if (state.empty()) {
    state.push_back("Unknown");
  }
  if (json_bool(json_at(node, "spec"), "unschedulable")) {
    state.push_back("SchedulingDisabled");
  }
  std::set<std::string> roles;
  for (const auto& [k, v] : to_string_map(json_at(meta(node), "labels"))) {
    constexpr std::string_view k_prefix = "node-role.kubernetes.io/";
    if (k.starts_with(k_prefix) && k.size() > k_prefix.size()) {
      roles.insert(k.substr(k_prefix.size()));
    } else if (k == "kubernetes.io/role" && !v.empty()) {
      roles.insert(v);
    }
  }
  const auto address = [&](std::string_view type) {
    for (const Json& a : json_array(status, "addresses")) {
      if (json_string(a, "type") == type) {
        return json_string(a, "address");
      }
    }
    return std::string("<none>");
  };
  const Json& info = json_at(status, "nodeInfo");
  return Json::array({name_of(node), join(state), or_none(join({roles.begin(), roles.end()})),
                      age(node, now), json_string(info, "kubeletVersion"), address("InternalIP"),
                      address("ExternalIP"), or_none(json_string(info, "osImage"), "<unknown>"),
                      or_none(json_string(info, "kernelVersion"), "<unknown>"),
                      or_none(json_string(info, "containerRuntimeVersion"), "<unknown>")});
}

// --- Storage ---

Json pvc_cells(const Json& pvc, std::int64_t now)
{
  const Json& spec = json_at(pvc, "spec");
  const Json& status = json_at(pvc, "status");
  const std::string volume = json_string(spec, "volumeName");
  std::string capacity;
  std::string modes;
  if (!volume.empty()) {
    modes = access_modes(json_at(status, "accessModes"));
    capacity = quantity_or_zero(json_at(status, "capacity"), "storage");
  }
  return Json::array({name_of(pvc), deleting(pvc) ? "Terminating" : json_string(status, "phase"), volume,
                      capacity, modes, storage_class_of(pvc),
                      json_string(spec, "volumeAttributesClassName", "<unset>"), age(pvc, now),
                      json_string(spec, "volumeMode", "<unset>")});
}

Json pv_cells(const Json& pv, std::int64_t now)
{
  const Json& spec = json_at(pv, "spec");
  const Json& status = json_at(pv, "status");
  std::string claim;
  if (const Json& ref = json_at(spec, "claimRef"); ref.is_object()) {
    claim = json_string(ref, "namespace") + "/" + json_string(ref, "name");
  }
  return Json::array({name_of(pv), quantity_or_zero(json_at(spec, "capacity"), "storage"),
                      access_modes(json_at(spec, "accessModes")),
                      json_string(spec, "persistentVolumeReclaimPolicy"),
                      deleting(pv) ? "Terminating" : json_string(status, "phase"), claim,
                      storage_class_of(pv), json_string(spec, "volumeAttributesClassName", "<unset>"),
                      json_string(status, "reason"), age(pv, now),
                      json_string(spec, "volumeMode", "<unset>")});
}

Json storage_class_cells(const Json& sc, std::int64_t now)
{
  const Json& annotations = json_at(meta(sc), "annotations");
  const bool is_default =
    json_string(annotations, "storageclass.kubernetes.io/is-default-class") == "true" ||
    json_string(annotations, "storageclass.beta.kubernetes.io/is-default-class") == "true";
  return Json::array({name_of(sc) + (is_default ? " (default)" : ""), json_string(sc, "provisioner"),
                      json_string(sc, "reclaimPolicy", "Delete"),
                      json_string(sc, "volumeBindingMode", "Immediate"),
                      json_bool(sc, "allowVolumeExpansion"), age(sc, now)});
}

Json csi_driver_cells(const Json& driver, std::int64_t now)
{
  const Json& spec = json_at(driver, "spec");
  std::string tokens = "<unset>";
  if (const Json& tr = json_at(spec, "tokenRequests"); tr.is_array()) {
    std::vector<std::string> audiences;
    for (const Json& t : tr) {
      audiences.push_back(json_string(t, "audience"));
    }
    tokens = join(audiences);
  }
  std::vector<std::string> modes;
  for (const Json& m : json_array(spec, "volumeLifecycleModes")) {
    if (m.is_string()) {
      modes.push_back(m.get<std::string>());
    }
  }
  return Json::array({name_of(driver), json_bool(spec, "attachRequired", true),
                      json_bool(spec, "podInfoOnMount"), json_bool(spec, "storageCapacity"), tokens,
                      json_bool(spec, "requiresRepublish"), or_none(join(modes)), age(driver, now)});
}

// --- Network ---

Json service_cells(const Json& svc, std::int64_t now)
{
  const Json& spec = json_at(svc, "spec");
  const std::string type = json_string(spec, "type", "ClusterIP");
  std::string cluster_ip = json_string(spec, "clusterIP");
  if (const Json& ips = json_array(spec, "clusterIPs"); !ips.empty() && ips[0].is_string()) {
    cluster_ip = ips[0].get<std::string>();
  }
  std::vector<std::string> external;
  for (const Json& ip : json_array(spec, "externalIPs")) {
    if (ip.is_string()) {
      external.push_back(ip.get<std::string>());
    }
  }
  std::string external_ip;
  if (type == "ClusterIP" || type == "NodePort") {
    external_ip = or_none(join(external));
  } else if (type == "LoadBalancer") {
    std::set<std::string> lb;
    for (const Json& ing : json_array(json_path(svc, {"status", "loadBalancer"}), "ingress")) {
      const std::string ip = json_string(ing, "ip");
      const std::string host = json_string(ing, "hostname");
      if (!ip.empty() || !host.empty()) {
        lb.insert(ip.empty() ? host : ip);
      }
    }
    std::vector<std::string> all(lb.begin(), lb.end());
    all.insert(all.end(), external.begin(), external.end());
    external_ip = all.empty() ? "<pending>" : join(all);
  } else if (type == "ExternalName") {
    external_ip = json_string(spec, "externalName");
  } else {
    external_ip = "<unknown>";
  }
  std::vector<std::string> ports;
  for (const Json& p : json_array(spec, "ports")) {
    const std::string proto = json_string(p, "protocol", "TCP");
    ports.push_back(json_int(p, "nodePort") > 0
                      ? fmt::format("{}:{}/{}", json_int(p, "port"), json_int(p, "nodePort"), proto)
                      : fmt::format("{}/{}", json_int(p, "port"), proto));
  }
  return Json::array({name_of(svc), type, or_none(cluster_ip), external_ip, or_none(join(ports)),
                      age(svc, now), format_labels(json_at(spec, "selector"))});
}

Json network_policy_cells(const Json& np, std::int64_t now)
{
  return Json::array(
    {name_of(np), format_selector(json_path(np, {"spec", "podSelector"})), age(np, now)});
}

Json endpoints_cells(const Json& ep, std::int64_t now)
{
  std::vector<std::string> list;
  std::size_t count = 0;
  constexpr std::size_t k_max = 3;
  for (const Json& subset : json_array(ep, "subsets")) {
    const Json& addresses = json_array(subset, "addresses");
    const Json& ports = json_array(subset, "ports");
    const auto add = [&](const std::string& text) {
      if (list.size() < k_max) {
        list.push_back(text);
      }
    };
    if (ports.empty()) {
      count += addresses.size();
      for (const Json& a : addresses) {
        add(json_string(a, "ip"));
      }
      continue;
    }
    for (const Json& port : ports) {
      count += addresses.size();
      for (const Json& a : addresses) {
        const std::string ip = json_string(a, "ip");
        add(ip.find(':') != std::string::npos ? fmt::format("[{}]:{}", ip, json_int(port, "port"))
                                                : fmt::format("{}:{}", ip, json_int(port, "port")));
      }
    }
  }
  std::string text = json_array(ep, "subsets").empty() ? "<none>" : join(list);
  if (count > k_max) {
    text += fmt::format(" + {} more...", count - k_max);
  }
  return Json::array({name_of(ep), text, age(ep, now)});
}

Json ingress_cells(const Json& ing, std::int64_t now)
{
  const Json& spec = json_at(ing, "spec");
  std::vector<std::string> hosts;
  const Json& rules = json_array(spec, "rules");
  for (const Json& r : rules) {
    if (hosts.size() < 3 && !json_string(r, "host").empty()) {
      hosts.push_back(json_string(r, "host"));
    }
  }
  std::string host_text = hosts.empty() ? "*" : join(hosts);
  if (rules.size() > 3 && !hosts.empty()) {
    host_text += fmt::format(" + {} more...", rules.size() - 3);
  }
  std::set<std::string> addresses;
  for (const Json& lb : json_array(json_path(ing, {"status", "loadBalancer"}), "ingress")) {
    const std::string ip = json_string(lb, "ip");
    if (!ip.empty() || !json_string(lb, "hostname").empty()) {
      addresses.insert(ip.empty() ? json_string(lb, "hostname") : ip);
    }
  }
  return Json::array({name_of(ing), json_string(spec, "ingressClassName", "<none>"), host_text,
                      join({addresses.begin(), addresses.end()}),
                      json_array(spec, "tls").empty() ? "80" : "80, 443", age(ing, now)});
}

// --- Workloads ---

Json deployment_cells(const Json& d, std::int64_t now)
{
  const Json& status = json_at(d, "status");
  const auto [names, images] = containers_of(template_spec(d));
  return Json::array({name_of(d),
                      fmt::format("{}/{}", json_int(status, "readyReplicas"),
                                  json_int(json_at(d, "spec"), "replicas", 1)),
                      number(status, "updatedReplicas"), number(status, "availableReplicas"), age(d, now),
                      names, images, format_selector(json_path(d, {"spec", "selector"}))});
}

Json statefulset_cells(const Json& s, std::int64_t now)
{
  const auto [names, images] = containers_of(template_spec(s));
  return Json::array({name_of(s),
                      fmt::format("{}/{}", json_int(json_at(s, "status"), "readyReplicas"),
                                  json_int(json_at(s, "spec"), "replicas", 1)),
                      age(s, now), names, images});
}

Json daemonset_cells(const Json& ds, std::int64_t now)
{
  const Json& status = json_at(ds, "status");
  const auto [names, images] = containers_of(template_spec(ds));
  return Json::array({name_of(ds), number(status, "desiredNumberScheduled"),
                      number(status, "currentNumberScheduled"), number(status, "numberReady"),
                      number(status, "updatedNumberScheduled"), number(status, "numberAvailable"),
                      format_labels(json_at(template_spec(ds), "nodeSelector")), age(ds, now), names,
                      images, format_selector(json_path(ds, {"spec", "selector"}))});
}

// Replica counts and template of a ReplicaSet or ReplicationController, with its selector as text.
Json replica_cells(const Json& obj, std::int64_t now, std::string selector)
{
  const Json& status = json_at(obj, "status");
  const auto [names, images] = containers_of(template_spec(obj));
  return Json::array({name_of(obj), number(json_at(obj, "spec"), "replicas", 1), number(status, "replicas"),
                      number(status, "readyReplicas"), age(obj, now), names, images, std::move(selector)});
}

Json replicaset_cells(const Json& rs, std::int64_t now)
{
  return replica_cells(rs, now, format_selector(json_path(rs, {"spec", "selector"})));
}

Json job_cells(const Json& job, std::int64_t now)
{
  const Json& spec = json_at(job, "spec");
  const Json& status = json_at(job, "status");
  const std::int64_t succeeded = json_int(status, "succeeded");
  std::string completions;
  if (json_at(spec, "completions").is_number()) {
    completions = fmt::format("{}/{}", succeeded, json_int(spec, "completions"));
  } else if (json_int(spec, "parallelism") > 1) {
    completions = fmt::format("{}/1 of {}", succeeded, json_int(spec, "parallelism"));
  } else {
    completions = fmt::format("{}/1", succeeded);
  }
  std::string duration;
  if (const auto start = time_of(status, "startTime")) {
    const auto end = time_of(status, "completionTime");
    duration = human_duration((end ? *end : now) - *start);
  }
  const auto condition = [&](std::string_view type) {
    for (const Json& c : json_array(status, "conditions")) {
      if (json_string(c, "type") == type) {
        return json_string(c, "status") == "True";
      }
    }
    return false;
  };
  std::string state = "Running";
  if (condition("Complete")) {
    state = "Complete";
  } else if (condition("Failed")) {
    state = "Failed";
  } else if (deleting(job)) {
    state = "Terminating";
  } else if (condition("Suspended")) {
    state = "Suspended";
  } else if (condition("FailureTarget")) {
    state = "FailureTarget";
  }
  const auto [names, images] = containers_of(template_spec(job));
  return Json::array({name_of(job), state, completions, duration, age(job, now), names, images,
                      format_selector(json_at(spec, "selector"))});
}

Json pdb_cells(const Json& pdb, std::int64_t now)
{
  const Json& spec = json_at(pdb, "spec");
  const auto int_or_string = [&](std::string_view key) {
    const Json& v = json_at(spec, key);
    return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string("N/A");
  };
  return Json::array({name_of(pdb), int_or_string("minAvailable"), int_or_string("maxUnavailable"),
                      number(json_at(pdb, "status"), "disruptionsAllowed"), age(pdb, now)});
}

Json replication_controller_cells(const Json& rc, std::int64_t now)
{
  return replica_cells(rc, now, format_labels(json_path(rc, {"spec", "selector"})));
}

std::string bool_or_unset(const Json& obj, std::string_view key)
{
  const Json& v = json_at(obj, key);
  return v.is_boolean() ? (v.get<bool>() ? "True" : "False") : "<unset>";
}

Json cron_job_cells(const Json& cj, std::int64_t now)
{
  const Json& spec = json_at(cj, "spec");
  const Json& status = json_at(cj, "status");
  const std::string last = json_string(status, "lastScheduleTime");
  const Json& job_spec = json_path(spec, {"jobTemplate", "spec"});
  const auto [names, images] = containers_of(json_path(job_spec, {"template", "spec"}));
  return Json::array({name_of(cj), json_string(spec, "schedule"), json_string(spec, "timeZone", "<none>"),
                      bool_or_unset(spec, "suspend"), static_cast<std::int64_t>(json_array(status, "active").size()),
                      last.empty() ? "<none>" : age_since(last, now), age(cj, now), names, images,
                      format_selector(json_at(job_spec, "selector"))});
}

// A quantity as the API server prints it: JSON numbers in their plain form, strings as written.
std::string quantity_text(const Json& v)
{
  return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string("0");
}

// formatHPAMetrics: `<current>/<target>` per metric (resource metrics prefixed with their name),
// two at most, then `+ N more...`.
std::string hpa_targets(const Json& hpa)
{
  const Json& specs = json_array(json_at(hpa, "spec"), "metrics");
  if (specs.empty()) {
    return "<none>";
  }
  const Json& statuses = json_array(json_at(hpa, "status"), "currentMetrics");
  constexpr std::size_t k_max = 2;
  std::vector<std::string> list;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const Json& spec = specs[i];
    const std::string type = json_string(spec, "type");
    const Json& status = i < statuses.size() ? statuses[i] : Json::object();
    const auto current_of = [&](std::string_view source, std::string_view field) {
      const Json& v = json_path(status, {std::string(source), "current", std::string(field)});
      return v.is_null() ? std::string("<unknown>") : quantity_text(v);
    };
    std::string text;
    if (type == "External" || type == "Object") {
      const std::string source = type == "External" ? "external" : "object";
      const Json& target = json_path(spec, {source, "target"});
      if (!json_at(target, "averageValue").is_null()) {
        text = fmt::format("{}/{} (avg)", current_of(source, "averageValue"), quantity_text(json_at(target, "averageValue")));
      } else {
        text = fmt::format("{}/{}", current_of(source, "value"), quantity_text(json_at(target, "value")));
      }
    } else if (type == "Pods") {
      text = fmt::format("{}/{}", current_of("pods", "averageValue"),
                         quantity_text(json_path(spec, {"pods", "target", "averageValue"})));
    } else if (type == "Resource" || type == "ContainerResource") {
      const std::string source = type == "Resource" ? "resource" : "containerResource";
      const Json& target = json_path(spec, {source, "target"});
      const std::string name = json_string(json_at(spec, source), "name");
      if (!json_at(target, "averageValue").is_null()) {
        text = fmt::format("{}: {}/{}", name, current_of(source, "averageValue"),
                           quantity_text(json_at(target, "averageValue")));
      } else {
        const Json& current = json_path(status, {source, "current", "averageUtilization"});
        const Json& wanted = json_at(target, "averageUtilization");
        text = fmt::format("{}: {}/{}", name, current.is_number() ? fmt::format("{}%", current.dump()) : "<unknown>",
                           wanted.is_number() ? fmt::format("{}%", wanted.dump()) : "<auto>");
      }
    } else {
      text = "<unknown type>";
    }
    list.push_back(std::move(text));
  }
  if (list.size() > k_max) {
    const std::size_t more = list.size() - k_max;
    list.resize(k_max);
    return fmt::format("{} + {} more...", join(list, ", "), more);
  }
  return join(list, ", ");
}

Json hpa_cells(const Json& hpa, std::int64_t now)
{
  const Json& spec = json_at(hpa, "spec");
  const Json& ref = json_at(spec, "scaleTargetRef");
  const Json& min = json_at(spec, "minReplicas");
  return Json::array({name_of(hpa), fmt::format("{}/{}", json_string(ref, "kind"), json_string(ref, "name")),
                      hpa_targets(hpa), min.is_number() ? min.dump() : std::string("<unset>"),
                      number(spec, "maxReplicas"), number(json_at(hpa, "status"), "currentReplicas"), age(hpa, now)});
}

Json ingress_class_cells(const Json& ic, std::int64_t now)
{
  const Json& spec = json_at(ic, "spec");
  const Json& params = json_at(spec, "parameters");
  std::string parameters = "<none>";
  if (params.is_object()) {
    const std::string group = json_string(params, "apiGroup");
    parameters = group.empty() ? fmt::format("{}/{}", json_string(params, "kind"), json_string(params, "name"))
                               : fmt::format("{}.{}/{}", json_string(params, "kind"), group, json_string(params, "name"));
  }
  return Json::array({name_of(ic), json_string(spec, "controller"), parameters, age(ic, now)});
}

// listWithMoreString: the first three, `+ N more...` after them, `<unset>` for none.
std::string first_three(const std::vector<std::string>& all)
{
  constexpr std::size_t k_max = 3;
  if (all.size() > k_max) {
    return fmt::format("{} + {} more...", join({all.begin(), all.begin() + k_max}), all.size() - k_max);
  }
  return all.empty() ? "<unset>" : join(all);
}

Json endpoint_slice_cells(const Json& slice, std::int64_t now)
{
  std::vector<std::string> ports;
  for (const Json& p : json_array(slice, "ports")) {
    ports.push_back(json_at(p, "port").is_number() ? json_at(p, "port").dump() : json_string(p, "name", "<unset>"));
  }
  std::vector<std::string> addresses;
  for (const Json& e : json_array(slice, "endpoints")) {
    for (const Json& a : json_array(e, "addresses")) {
      if (a.is_string()) {
        addresses.push_back(a.get<std::string>());
      }
    }
  }
  return Json::array({name_of(slice), json_string(slice, "addressType"), first_three(ports), first_three(addresses),
                      age(slice, now)});
}

Json binding_cells(const Json& binding, std::int64_t now)
{
  const Json& ref = json_at(binding, "roleRef");
  std::vector<std::string> users;
  std::vector<std::string> groups;
  std::vector<std::string> accounts;
  for (const Json& s : json_array(binding, "subjects")) {
    const std::string kind = json_string(s, "kind");
    if (kind == "User") {
      users.push_back(json_string(s, "name"));
    } else if (kind == "Group") {
      groups.push_back(json_string(s, "name"));
    } else if (kind == "ServiceAccount") {
      accounts.push_back(json_string(s, "namespace") + "/" + json_string(s, "name"));
    }
  }
  return Json::array({name_of(binding), fmt::format("{}/{}", json_string(ref, "kind"), json_string(ref, "name")),
                      age(binding, now), join(users, ", "), join(groups, ", "), join(accounts, ", ")});
}

// The API server's default table (rest.NewDefaultTableConvertor): the creation time itself.
Json created_at_cells(const Json& obj, std::int64_t)
{
  const std::string created = json_string(meta(obj), "creationTimestamp");
  const auto t = parse_rfc3339(created);
  // Go's zero time, which is what the API server prints for an object without one.
  return Json::array({name_of(obj), t ? format_rfc3339(*t) : std::string("0001-01-01T00:00:00Z")});
}

Json priority_class_cells(const Json& pc, std::int64_t now)
{
  return Json::array({name_of(pc), number(pc, "value"), json_bool(pc, "globalDefault"), age(pc, now),
                      json_string(pc, "preemptionPolicy")});
}

Json lease_cells(const Json& lease, std::int64_t now)
{
  return Json::array({name_of(lease), json_string(json_at(lease, "spec"), "holderIdentity"), age(lease, now)});
}

Json csi_node_cells(const Json& node, std::int64_t now)
{
  return Json::array(
    {name_of(node), static_cast<std::int64_t>(json_array(json_at(node, "spec"), "drivers").size()), age(node, now)});
}

Json volume_attachment_cells(const Json& va, std::int64_t now)
{
  const Json& spec = json_at(va, "spec");
  return Json::array({name_of(va), json_string(spec, "attacher"),
                      json_string(json_at(spec, "source"), "persistentVolumeName"), json_string(spec, "nodeName"),
                      json_bool(json_at(va, "status"), "attached"), age(va, now)});
}

// printResourceQuota: `resource: used/hard` pairs sorted by resource, `limits.*` in the second column.
Json resource_quota_cells(const Json& quota, std::int64_t now)
{
  const Json& status = json_at(quota, "status");
  const Json& hard = json_at(status, "hard");
  const Json& used = json_at(status, "used");
  std::vector<std::string> requests;
  std::vector<std::string> limits;
  if (hard.is_object()) {
    for (const auto& [resource, value] : hard.items()) {
      const Json& u = json_at(used, resource);
      std::string text = fmt::format("{}: {}/{}", resource, u.is_null() ? std::string("0") : quantity_text(u),
                                     quantity_text(value));
      (resource.starts_with("limits.") ? limits : requests).push_back(std::move(text));
    }
  }
  return Json::array({name_of(quota), age(quota, now), join(requests, ", "), join(limits, ", ")});
}

// --- Config and events ---

// How many keys a ConfigMap or Secret holds: its data (and binaryData) maps, or, for one collected
// as metadata only, the key names our collector records in the `coder-cva.coder.com/keys`
// annotation, so DATA reads as it did on the cluster.
std::int64_t data_keys(const Json& obj)
{
  std::int64_t count = 0;
  for (const char* key : {"data", "binaryData"}) {
    const Json& v = json_at(obj, key);
    count += v.is_object() ? static_cast<std::int64_t>(v.size()) : 0;
  }
  const std::string recorded = json_string(json_at(meta(obj), "annotations"), "coder-cva.coder.com/keys");
  if (count == 0 && !recorded.empty()) {
    count = 1 + static_cast<std::int64_t>(std::count(recorded.begin(), recorded.end(), ','));
  }
  return count;
}

Json config_map_cells(const Json& cm, std::int64_t now)
{
  return Json::array({name_of(cm), data_keys(cm), age(cm, now)});
}

Json secret_cells(const Json& secret, std::int64_t now)
{
  return Json::array({name_of(secret), json_string(secret, "type"), data_keys(secret), age(secret, now)});
}

Json service_account_cells(const Json& sa, std::int64_t now)
{
  return Json::array(
    {name_of(sa), static_cast<std::int64_t>(json_array(sa, "secrets").size()), age(sa, now)});
}

Json event_cells(const Json& ev, std::int64_t now)
{
  std::string first = age_since(json_string(ev, "firstTimestamp"), now);
  if (json_string(ev, "firstTimestamp").empty()) {
    first = age_since(json_string(ev, "eventTime"), now);
  }
  std::string last = json_string(ev, "lastTimestamp").empty() ? first
                                                               : age_since(json_string(ev, "lastTimestamp"), now);
  std::int64_t count = json_int(ev, "count");
  if (const Json& series = json_at(ev, "series"); series.is_object()) {
    last = age_since(json_string(series, "lastObservedTime"), now);
    count = json_int(series, "count");
  } else if (count == 0) {
    count = 1;
  }
  const Json& involved = json_at(ev, "involvedObject");
  std::string kind = json_string(involved, "kind");
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string target =
    json_string(involved, "name").empty() ? kind : kind + "/" + json_string(involved, "name");
  const Json& source = json_at(ev, "source");
  std::string component = json_string(source, "component");
  if (component.empty()) {
    component = json_string(ev, "reportingComponent");
  }
  std::string host = json_string(source, "host");
  if (host.empty()) {
    host = json_string(ev, "reportingInstance");
  }
  std::string message = json_string(ev, "message");
  message.erase(0, message.find_first_not_of(" \t\r\n"));
  message.erase(message.find_last_not_of(" \t\r\n") + 1);
  return Json::array({last, json_string(ev, "type"), json_string(ev, "reason"), target,
                      json_string(involved, "fieldPath"), host.empty() ? component : component + ", " + host,
                      message, first, count, name_of(ev)});
}

Json name_age_cells(const Json& obj, std::int64_t now)
{
  return Json::array({name_of(obj), age(obj, now)});
}

Column name_column()
{
  return {"Name", "string", 0,
          "Name must be unique within a namespace. Is required when creating resources, although "
          "some resources may allow a client to request the generation of an appropriate name "
          "automatically.",
          "name"};
}

Column age_column()
{
  return {"Age", "string", 0,
          "CreationTimestamp is a timestamp representing the server time when this object was "
          "created.",
          ""};
}

Column created_at_column()
{
  return {"Created At", "date", 0,
          "CreationTimestamp is a timestamp representing the server time when this object was "
          "created.",
          ""};
}

Column col(std::string name, std::string description, int priority = 0, std::string type = "string")
{
  return {std::move(name), std::move(type), priority, std::move(description), ""};
}

// The columns of ReplicaSets and ReplicationControllers, which differ only in their words.
std::vector<Column> replica_columns(std::string_view kind_words)
{
  return {name_column(), col("Desired", "Replicas is the number of desired replicas.", 0, "integer"),
          col("Current", "Replicas is the most recently observed number of replicas.", 0, "integer"),
          col("Ready", fmt::format("The number of ready replicas for this {}.", kind_words), 0, "integer"),
          age_column(), col("Containers", "Names of each container in the template.", 1),
          col("Images", "Images referenced by each container in the template.", 1),
          col("Selector", "Selector is a label query over pods that should match the replica count.", 1)};
}

const std::map<std::string, TableSpec, std::less<>>& specs()
{
  static const std::map<std::string, TableSpec, std::less<>> k_specs = {
    {"pods",
     {{name_column(), col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
       col("Status", "The aggregate status of the containers in this pod."),
       col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
       age_column(), col("IP", "IP address allocated to the pod.", 1),
       col("Node", "NodeName is the node the pod is scheduled on.", 1),
       col("Nominated Node", "nominatedNodeName is set when this pod preempts other pods on the node.", 1),
       col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1)},
      pod_cells}},
    {"nodes",
     {{name_column(), col("Status", "The status of the node"), col("Roles", "The roles of the node"),
       age_column(), col("Version", "Kubelet Version reported by the node."),
       col("Internal-IP", "List of addresses reachable to the node.", 1),
       col("External-IP", "List of addresses reachable to the node.", 1),
       col("OS-Image", "OS Image reported by the node from /etc/os-release.", 1),
       col("Kernel-Version", "Kernel Version reported by the node.", 1),
       col("Container-Runtime", "ContainerRuntime Version reported by the node.", 1)},
      node_cells}},
    {"namespaces",
     {{name_column(), col("Status", "The status of the namespace"), age_column()},
      [](const Json& ns, std::int64_t now) {
        return Json::array({name_of(ns), json_string(json_at(ns, "status"), "phase"), age(ns, now)});
      }}},
    {"persistentvolumeclaims",
     {{name_column(), col("Status", "Phase represents the current phase of PersistentVolumeClaim."),
       col("Volume", "The binding reference to the PersistentVolume backing this claim."),
       col("Capacity", "The actual resources of the underlying volume."),
       col("Access Modes", "The actual access modes the volume backing the PVC has."),
       col("StorageClass", "StorageClass of the pvc"),
       col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"), age_column(),
       col("VolumeMode", "What type of volume is required by the claim.", 1)},
      pvc_cells}},
    {"persistentvolumes",
     {{name_column(), col("Capacity", "The actual resources of the volume."),
       col("Access Modes", "All ways the volume can be mounted."),
       col("Reclaim Policy", "What happens to a persistent volume when released from its claim."),
       col("Status", "Phase indicates if a volume is available, bound to a claim, or released by a claim."),
       col("Claim", "Part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
       col("StorageClass", "StorageClass of the pv"),
       col("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
       col("Reason", "A brief CamelCase string that describes any failure."), age_column(),
       col("VolumeMode", "Defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", 1)},
      pv_cells}},
    {"storageclasses.storage.k8s.io",
     {{name_column(), col("Provisioner", "Provisioner indicates the type of the provisioner."),
       col("ReclaimPolicy", "Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy."),
       col("VolumeBindingMode", "VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
       col("AllowVolumeExpansion", "AllowVolumeExpansion shows whether the storage class allow volume expand."),
       age_column()},
      storage_class_cells}},
    {"csidrivers.storage.k8s.io",
     {{name_column(), col("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation.", 0, "boolean"),
       col("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.", 0, "boolean"),
       col("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity.", 0, "boolean"),
       col("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens."),
       col("RequiresRepublish", "requiresRepublish indicates the CSI driver wants NodePublishVolume being periodically called.", 0, "boolean"),
       col("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
       age_column()},
      csi_driver_cells}},
    {"networkpolicies.networking.k8s.io",
     {{name_column(), col("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies."),
       age_column()},
      network_policy_cells}},
    {"services",
     {{name_column(), col("Type", "type determines how the Service is exposed."),
       col("Cluster-IP", "clusterIP is the IP address of the service."),
       col("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
       col("Port(s)", "The list of ports that are exposed by this service."), age_column(),
       col("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1)},
      service_cells}},
    {"endpoints", {{name_column(), col("Endpoints", "The set of all endpoints is the union of all subsets."), age_column()}, endpoints_cells}},
    {"ingresses.networking.k8s.io",
     {{name_column(), col("Class", "The name of the IngressClass resource that should be used for additional configuration"),
       col("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
       col("Address", "Address is a list containing ingress points for the load-balancer"),
       col("Ports", "Ports of TLS configurations that open"), age_column()},
      ingress_cells}},
    {"deployments.apps",
     {{name_column(), col("Ready", "Number of the pod with ready state"),
       col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
       col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
       age_column(), col("Containers", "Names of each container in the template.", 1),
       col("Images", "Images referenced by each container in the template.", 1),
       col("Selector", "Label selector for pods.", 1)},
      deployment_cells}},
    {"statefulsets.apps",
     {{name_column(), col("Ready", "Number of the pod with ready state"), age_column(),
       col("Containers", "Names of each container in the template.", 1),
       col("Images", "Images referenced by each container in the template.", 1)},
      statefulset_cells}},
    {"daemonsets.apps",
     {{name_column(), col("Desired", "The total number of nodes that should be running the daemon pod.", 0, "integer"),
       col("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", 0, "integer"),
       col("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", 0, "integer"),
       col("Up-to-date", "The total number of nodes that are running updated daemon pod", 0, "integer"),
       col("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.", 0, "integer"),
       col("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
       age_column(), col("Containers", "Names of each container in the template.", 1),
       col("Images", "Images referenced by each container in the template.", 1),
       col("Selector", "A label query over pods that are managed by the daemon set.", 1)},
      daemonset_cells}},
    {"replicasets.apps", {replica_columns("replica set"), replicaset_cells}},
    {"jobs.batch",
     {{name_column(), col("Status", "Status of the job."),
       col("Completions", "The number of pods which reached phase Succeeded."),
       col("Duration", "Time required to complete the job."), age_column(),
       col("Containers", "Names of each container in the template.", 1),
       col("Images", "Images referenced by each container in the template.", 1),
       col("Selector", "A label query over pods that should match the pod count.", 1)},
      job_cells}},
    {"poddisruptionbudgets.policy",
     {{name_column(), col("Min Available", "The minimum number of pods that must be available."),
       col("Max Unavailable", "The maximum number of pods that may be unavailable."),
       col("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", 0, "integer"),
       age_column()},
      pdb_cells}},
    {"configmaps", {{name_column(), col("Data", "Data contains the configuration data.", 0, "string"), age_column()}, config_map_cells}},
    {"secrets",
     {{name_column(), col("Type", "Used to facilitate programmatic handling of secret data."),
       col("Data", "Data contains the secret data."), age_column()},
      secret_cells}},
    {"serviceaccounts", {{name_column(), col("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), age_column()}, service_account_cells}},
    {"replicationcontrollers", {replica_columns("replication controller"), replication_controller_cells}},
    {"cronjobs.batch",
     {{name_column(), col("Schedule", "The schedule in Cron format."),
       col("Timezone", "The time zone name for the given schedule."),
       col("Suspend", "This flag tells the controller to suspend subsequent executions.", 0, "boolean"),
       col("Active", "A list of pointers to currently running jobs.", 0, "integer"),
       col("Last Schedule", "Information when was the last time the job was successfully scheduled."),
       age_column(), col("Containers", "Names of each container in the template.", 1),
       col("Images", "Images referenced by each container in the template.", 1),
       col("Selector", "A label query over pods that should match the pod count.", 1)},
      cron_job_cells}},
    {"horizontalpodautoscalers.autoscaling",
     {{name_column(), col("Reference", "scaleTargetRef points to the target resource to scale."),
       col("Targets", "metrics contains the specifications for which to use to calculate the desired replica count."),
       col("MinPods", "minReplicas is the lower limit for the number of replicas."),
       col("MaxPods", "maxReplicas is the upper limit for the number of replicas."),
       col("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
       age_column()},
      hpa_cells}},
    {"ingressclasses.networking.k8s.io",
     {{name_column(), col("Controller", "Controller that is responsible for handling this class"),
       col("Parameters", "A reference to a resource with additional parameters"), age_column()},
      ingress_class_cells}},
    {"endpointslices.discovery.k8s.io",
     {{name_column(), col("AddressType", "Type of address carried by this EndpointSlice"),
       col("Ports", "Ports advertised on this EndpointSlice"),
       col("Endpoints", "Endpoints in this EndpointSlice"), age_column()},
      endpoint_slice_cells}},
    {"rolebindings.rbac.authorization.k8s.io",
     {{name_column(), col("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
       age_column(), col("Users", "Users in the roleBinding", 1), col("Groups", "Groups in the roleBinding", 1),
       col("ServiceAccounts", "ServiceAccounts in the roleBinding", 1)},
      binding_cells}},
    {"clusterrolebindings.rbac.authorization.k8s.io",
     {{name_column(), col("Role", "RoleRef can only reference a ClusterRole in the global namespace."),
       age_column(), col("Users", "Users in the clusterRoleBinding", 1),
       col("Groups", "Groups in the clusterRoleBinding", 1),
       col("ServiceAccounts", "ServiceAccounts in the clusterRoleBinding", 1)},
      binding_cells}},
    {"roles.rbac.authorization.k8s.io", {{name_column(), created_at_column()}, created_at_cells}},
    {"clusterroles.rbac.authorization.k8s.io", {{name_column(), created_at_column()}, created_at_cells}},
    {"limitranges", {{name_column(), created_at_column()}, created_at_cells}},
    {"customresourcedefinitions.apiextensions.k8s.io", {{name_column(), created_at_column()}, created_at_cells}},
    {"resourcequotas",
     {{name_column(), age_column(), col("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
       col("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.")},
      resource_quota_cells}},
    {"priorityclasses.scheduling.k8s.io",
     {{name_column(), col("Value", "The value of this priority class.", 0, "integer"),
       col("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority.", 0, "boolean"),
       age_column(), col("PreemptionPolicy", "PreemptionPolicy is the Policy for preempting pods with lower priority.")},
      priority_class_cells}},
    {"leases.coordination.k8s.io",
     {{name_column(), col("Holder", "holderIdentity contains the identity of the holder of a current lease."), age_column()},
      lease_cells}},
    {"csinodes.storage.k8s.io",
     {{name_column(), col("Drivers", "Drivers indicates the number of CSI drivers registered on the node", 0, "integer"),
       age_column()},
      csi_node_cells}},
    {"volumeattachments.storage.k8s.io",
     {{name_column(), col("Attacher", "Attacher indicates the name of the volume driver that MUST handle this request."),
       col("PV", "Name of the persistent volume to attach."), col("Node", "The node that the volume should be attached to."),
       col("Attached", "Attached indicates the volume is successfully attached.", 0, "boolean"), age_column()},
      volume_attachment_cells}},
    {"events",
     {{col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
       col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
       col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
       col("Object", "The object that this event is about."),
       col("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1),
       col("Source", "The component reporting this event.", 1),
       col("Message", "A human-readable description of the status of this operation."),
       col("First Seen", "The time at which the event was first recorded.", 1),
       col("Count", "The number of times this event has occurred.", 1),
       Column{"Name", "string", 1, name_column().description, "name"}},
      event_cells}},
  };
  return k_specs;
}

// A small JSONPath subset for CRD printer columns: `.a.b`, `[N]` and `[?(@.k=="v")]` steps; the
// first value found, or null.
const Json& json_path_value(const Json& root, std::string_view path)
{
  static const Json k_null;
  const Json* current = &root;
  std::size_t pos = 0;
  while (pos < path.size() && current != nullptr) {
    if (path[pos] == '.') {
      ++pos;
      const std::size_t end = std::min(path.find_first_of(".[", pos), path.size());
      current = &json_at(*current, path.substr(pos, end - pos));
      pos = end;
    } else if (path[pos] == '[') {
      const std::size_t close = path.find(']', pos);
      if (close == std::string_view::npos) {
        return k_null;
      }
      const std::string_view inner = path.substr(pos + 1, close - pos - 1);
      pos = close + 1;
      if (!current->is_array()) {
        return k_null;
      }
      if (inner.starts_with("?(@.")) {
        const auto eq = inner.find("==");
        if (eq == std::string_view::npos || !inner.ends_with(")")) {
          return k_null;
        }
        const std::string_view key = inner.substr(4, eq - 4);
        std::string_view want = inner.substr(eq + 2, inner.size() - eq - 3);
        if (want.size() >= 2 && (want.front() == '"' || want.front() == '\'')) {
          want = want.substr(1, want.size() - 2);
        }
        const Json* found = nullptr;
        for (const Json& item : *current) {
          if (field_value(item, key) == want) {
            found = &item;
            break;
          }
        }
        current = found;
      } else {
        std::size_t index = 0;
        const auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
        current = (ec == std::errc() && index < current->size()) ? &(*current)[index] : nullptr;
      }
    } else {
      return k_null;
    }
  }
  return current != nullptr ? *current : k_null;
}

} // namespace

std::string human_duration(std::int64_t seconds)
{
  if (seconds < -1) {
    return "<invalid>";
  }
  if (seconds < 0) {
    return "0s";
  }
  if (seconds < 60 * 2) {
    return fmt::format("{}s", seconds);
  }
  const std::int64_t minutes = seconds / 60;
  if (minutes < 10) {
    const std::int64_t s = seconds % 60;
    return s == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, s);
  }
  if (minutes < 60 * 3) {
    return fmt::format("{}m", minutes);
  }
  const std::int64_t hours = seconds / 3600;
  if (hours < 8) {
    const std::int64_t m = minutes % 60;
    return m == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, m);
  }
  if (hours < 48) {
    return fmt::format("{}h", hours);
  }
  if (hours < 24 * 8) {
    const std::int64_t h = hours % 24;
    return h == 0 ? fmt::format("{}d", hours / 24) : fmt::format("{}d{}h", hours / 24, h);
  }
  if (hours < 24 * 365 * 2) {
    return fmt::format("{}d", hours / 24);
  }
  if (hours < 24 * 365 * 8) {
    const std::int64_t dy = (hours / 24) % 365;
    return dy == 0 ? fmt::format("{}y", hours / 24 / 365) : fmt::format("{}y{}d", hours / 24 / 365, dy);
  }
  return fmt::format("{}y", hours / 24 / 365);
}

std::string age_since(std::string_view timestamp, std::int64_t now)
{
  const auto t = parse_rfc3339(timestamp);
  return t ? human_duration(now - *t) : "<unknown>";
}

Json render_table(const ResourceType& type, const std::vector<const Json*>& objects,
                  const TableOptions& options)
{
  std::vector<Column> columns;
  CellFn cells;
  if (const auto it = specs().find(type.qualified_name()); it != specs().end() && !type.is_custom()) {
    columns = it->second.columns;
    cells = it->second.cells;
  } else if (options.printer_columns != nullptr && options.printer_columns->is_array() &&
             !options.printer_columns->empty()) {
    columns.push_back(name_column());
    std::vector<std::pair<std::string, std::string>> paths; // jsonPath, type
    for (const Json& pc : *options.printer_columns) {
      columns.push_back(Column{json_string(pc, "name"), json_string(pc, "type", "string"),
                               static_cast<int>(json_int(pc, "priority")),
                               json_string(pc, "description"), json_string(pc, "format")});
      paths.emplace_back(json_string(pc, "jsonPath"), json_string(pc, "type"));
    }
    cells = [paths](const Json& obj, std::int64_t now) {
      Json row = Json::array({name_of(obj)});
      for (const auto& [path, column_type] : paths) {
        const Json& v = json_path_value(obj, path);
        if (column_type == "date" && v.is_string()) {
          row.push_back(age_since(v.get<std::string>(), now));
        } else {
          row.push_back(v);
        }
      }
      return row;
    };
  } else {
    columns = {name_column(), age_column()};
    cells = name_age_cells;
  }

  Json table = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", Json::object()}};
  Json& defs = table["columnDefinitions"] = Json::array();
  for (const Column& c : columns) {
    defs.push_back({{"name", c.name}, {"type", c.type}, {"format", c.format},
                    {"description", c.description}, {"priority", c.priority}});
  }
  Json& rows = table["rows"] = Json::array();
  for (const Json* obj : objects) {
    Json row = {{"cells", cells(*obj, options.now)}};
    if (options.include_object == "Object") {
      row["object"] = *obj;
    } else if (options.include_object != "None") {
      row["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", meta(*obj)}};
    }
    rows.push_back(std::move(row));
  }
  return table;
}

} // namespace cva::serve
