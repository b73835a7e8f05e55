#include "cluster_info_dump.hpp"

#include <core/bundle/paths.hpp>
#include <core/util/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cva {

namespace {

// Splits `kubectl cluster-info dump` logs.txt into one log per container.
void add_dump_logs(Bundle& out, const std::string& ns, const std::string& pod,
                   const std::string& text)
{
  static const RE2 k_start(R"(==== START logs for container (\S+) of pod \S+ ====)");
  std::istringstream in(text);
  std::string line;
  std::string container;
  std::string body;
  const auto flush = [&] {
    if (!container.empty()) {
      out.put(fmt::format("{}/{}/{}/{}.log", paths::k_pod_logs, ns, pod, container), body);
    }
    body.clear();
  };
  while (std::getline(in, line)) {
    std::string name;
    if (RE2::FullMatch(line, k_start, &name)) {
      flush();
      container = name;
      continue;
    }
    if (line.starts_with("==== END logs for container")) {
      flush();
      container.clear();
      continue;
    }
    body += line;
    body += '\n';
  }
  flush();
}

// The directory form's file name for each List kind the stdout form prints.
const std::map<std::string, std::string, std::less<>> k_list_files = {
  {"EventList", "events"},       {"ReplicationControllerList", "replication-controllers"},
  {"ServiceList", "services"},   {"DaemonSetList", "daemonsets"},
  {"DeploymentList", "deployments"}, {"ReplicaSetList", "replicasets"},
  {"PodList", "pods"},
};

} // namespace

bool looks_like_cluster_info_dump(const Bundle& bundle)
{
  if (!bundle.contains("nodes.json")) {
    return false;
  }
  for (const auto& [path, bytes] : bundle.files()) {
    if (path.ends_with("/pods.json") && std::count(path.begin(), path.end(), '/') == 1) {
      return true;
    }
  }
  return false;
}

bool looks_like_cluster_info_dump_stream(std::string_view text)
{
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') {
    return false;
  }
  const std::string_view head = text.substr(start, 400);
  static const RE2 k_node_list(R"("kind"\s*:\s*"NodeList")");
  return RE2::PartialMatch(head, k_node_list) &&
         (text.find("\n}\n{") != std::string_view::npos || text.find("\n==== START logs for container ") != std::string_view::npos);
}

Result<Bundle> split_cluster_info_dump_stream(std::string_view text, std::string_view what)
{
  static const RE2 k_start(R"(==== START logs for container \S+ of pod ([^/\s]+)/(\S+) ====)");
  Bundle out;
  std::vector<std::string> block; // the List kinds of one namespace's block, from its EventList on
  std::string block_namespace;
  std::map<std::string, std::map<std::string, Json>> lists; // namespace -> List kind -> items
  const auto flush_block = [&] {
    if (!block_namespace.empty()) {
      for (const std::string& kind : block) {
        lists[block_namespace].try_emplace(kind, Json::array());
      }
    }
    block.clear();
    block_namespace.clear();
  };

  std::string chunk;
  std::size_t chunk_line = 0;
  std::string log_key; // "<ns>/<pod>" while inside a log section
  std::map<std::string, std::string> logs;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::string ns;
    std::string pod;
    if (chunk.empty() && RE2::FullMatch(line, k_start, &ns, &pod)) {
      log_key = ns + "/" + pod;
      if (block_namespace.empty()) {
        block_namespace = ns;
      }
    }
    if (!log_key.empty()) {
      logs[log_key].append(line).append("\n");
      if (line.starts_with("==== END logs for container")) {
        log_key.clear();
      }
      continue;
    }
    if (chunk.empty() && line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    // kubectl's own warnings and errors, when its stderr went to the same file.
    static const RE2 k_kubectl_message(R"((Warning: |Error from server|error: |[IWEF]\d{4} \d\d:\d\d:\d\d).*)");
    if (chunk.empty() && RE2::FullMatch(line, k_kubectl_message)) {
      continue;
    }
    if (chunk.empty()) {
      if (line != "{") {
        return fail(fmt::format("{}: line {}: expected a JSON object or a log section of kubectl cluster-info dump", what, line_no));
      }
      chunk_line = line_no;
    }
    chunk.append(line).append("\n");
    if (line != "}") {
      continue;
    }
    auto doc = parse_json(chunk, fmt::format("{} (object at line {})", what, chunk_line));
    if (!doc) {
      return fail(doc.error().message);
    }
    chunk.clear();
    const std::string kind = json_string(*doc, "kind");
    if (kind == "NodeList") {
      out.put("nodes.json", doc->dump(4));
      continue;
    }
    if (!k_list_files.contains(kind)) {
      continue; // a kind this version of kubectl adds that we do not read
    }
    if (kind == "EventList") {
      flush_block();
    }
    if (Json& items = (*doc)["items"]; items.is_array()) {
      for (Json& item : items) {
        std::string item_ns = json_string(json_at(item, "metadata"), "namespace");
        if (item_ns.empty()) {
          item_ns = "default"; // never an empty path segment
        }
        if (block_namespace.empty()) {
          block_namespace = item_ns;
        }
        lists[item_ns].try_emplace(kind, Json::array()).first->second.push_back(std::move(item));
      }
    }
    block.push_back(kind);
  }
  if (!chunk.empty()) {
    return fail(fmt::format("{}: the JSON object at line {} is cut off", what, chunk_line));
  }
  flush_block();
  for (auto& [ns, kinds] : lists) {
    for (auto& [kind, items] : kinds) {
      out.put(fmt::format("{}/{}.json", ns, k_list_files.find(kind)->second),
              Json{{"kind", kind}, {"apiVersion", "v1"}, {"items", std::move(items)}}.dump(4));
    }
  }
  for (auto& [key, body] : logs) {
    out.put(key + "/logs.txt", std::move(body));
  }
  return out;
}

Bundle convert_cluster_info_dump(const Bundle& dump)
{
  Bundle out;
  const std::string base = std::string(paths::k_cluster_resources) + "/";
  std::set<std::string> namespaces;
  std::set<std::string> kinds;
  for (const auto& [path, bytes] : dump.files()) {
    if (path == "nodes.json") {
      out.put(base + "nodes.json", bytes);
      continue;
    }
    const auto first = path.find('/');
    if (first == std::string::npos) {
      continue;
    }
    const std::string ns = path.substr(0, first);
    const std::string rest = path.substr(first + 1);
    if (rest.ends_with(".json") && rest.find('/') == std::string::npos) {
      const std::string kind = rest.substr(0, rest.size() - 5);
      out.put(fmt::format("{}{}/{}.json", base, kind, ns), bytes);
      namespaces.insert(ns);
      kinds.insert(kind);
    } else if (rest.ends_with("/logs.txt")) {
      add_dump_logs(out, ns, rest.substr(0, rest.size() - 9), bytes);
    }
  }
  // Every cluster has kube-system: a dump without it was cut to some namespaces (`--namespaces`) or
  // stopped at an error, so other namespaces may hold objects it never saw.
  if (!namespaces.empty() && !namespaces.contains("kube-system")) {
    const std::string message = fmt::format(
      "kubectl cluster-info dump holds only namespace(s) {} and not kube-system: it was limited with "
      "--namespaces or stopped at an error, so other namespaces were not seen",
      fmt::join(namespaces, ", "));
    const std::string errors = Json{{"(other namespaces)", message}}.dump(2);
    for (const std::string& kind : kinds) {
      out.put(fmt::format("{}{}{}", base, kind, paths::k_errors_suffix), errors);
    }
  }
  return out;
}


} // namespace cva
