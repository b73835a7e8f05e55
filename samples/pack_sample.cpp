// Assembles a sample cluster from its reviewable source (samples/<name>/) into the archive a
// `collect` run would write, plus the Coder support bundle zip it carries. Build-time only.
//
//   cva_pack_sample SAMPLE_DIR OUT_DIR
//
// SAMPLE_DIR holds sample.yaml (collection metadata, refused and empty kinds), cluster/*.yaml
// (manifests with status), logs/<ns>/<pod>/<container>.log, metrics/<pod>.prom (scraped
// Prometheus text) and coder-support/ (the files of a `coder support bundle` zip). Writes OUT_DIR/<name>.tar.gz and, when coder-support/ exists,
// OUT_DIR/<name>-coder-support.zip.
#include <core/bundle/archive.hpp>
#include <core/bundle/input.hpp>
#include <core/bundle/manifests.hpp>
#include <core/bundle/paths.hpp>
#include <core/util/yaml.hpp>
#include <core/version.hpp>

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;
using namespace cva;

namespace {

[[noreturn]] void die(const std::string& message)
{
  std::cerr << "cva_pack_sample: error: " << message << "\n";
  std::exit(1);
}

template<typename T>
T check(Result<T> r)
{
  if (!r) {
    die(r.error().message);
  }
  return std::move(*r);
}

void check(Result<void> r)
{
  if (!r) {
    die(r.error().message);
  }
}

std::time_t parse_time(const std::string& rfc3339)
{
  std::tm tm{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    die("collected_at must look like 2026-11-27T10:15:00Z");
  }
  return timegm(&tm);
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 3) {
    die("usage: cva_pack_sample SAMPLE_DIR OUT_DIR");
  }
  const fs::path dir = argv[1];
  const fs::path out_dir = argv[2];
  const std::string name = dir.filename().string();
  fs::create_directories(out_dir);

  const Bundle source = check(read_directory(dir.string()));
  const std::string* meta_text = source.get("sample.yaml");
  if (meta_text == nullptr) {
    die(dir.string() + ": no sample.yaml");
  }
  const auto meta_docs = check(parse_yaml_documents(*meta_text, "sample.yaml"));
  const Json meta = meta_docs.empty() ? Json::object() : meta_docs[0];
  const std::string collected_at = json_string(meta, "collected_at");
  const std::time_t mtime = parse_time(collected_at);

  std::vector<ManifestObject> objects;
  for (const std::string& path : source.list("cluster/")) {
    if (is_manifest_file_name(path)) {
      for (auto& o : check(parse_manifest_text(*source.get(path), path))) {
        objects.push_back(std::move(o));
      }
    }
  }
  Bundle bundle = check(manifests_to_bundle(objects, ManifestLayoutOptions{"default", false, false}));

  // Refused kinds, as troubleshoot-style error files.
  const Json& forbidden = json_at(meta, "errors");
  if (forbidden.is_object()) {
    for (const auto& [kind, errors] : forbidden.items()) {
      bundle.put(fmt::format("{}/{}{}", paths::k_cluster_resources, kind, paths::k_errors_suffix),
                 to_pretty_json(errors));
    }
  }
  // Kinds collected but empty (`empty: [horizontal-pod-autoscalers/coder, csidrivers]`), as the
  // collector writes them: an empty List, so "none" is never mistaken for "not collected".
  for (const Json& entry : json_array(meta, "empty")) {
    if (entry.is_string()) {
      bundle.put(fmt::format("{}/{}.json", paths::k_cluster_resources, entry.get<std::string>()),
                 to_pretty_json(Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array()}}));
    }
  }
  for (const std::string& path : source.list("logs/")) {
    bundle.put(fmt::format("{}/{}", paths::k_pod_logs, path.substr(5)), *source.get(path));
  }
  for (const std::string& path : source.list("metrics/")) {
    bundle.put(fmt::format("{}/{}", paths::k_coder_metrics, path.substr(8)), *source.get(path));
  }
  Bundle support;
  for (const std::string& path : source.list("coder-support/")) {
    support.put(path.substr(std::string("coder-support/").size()), *source.get(path));
  }
  if (support.size() > 0) {
    bundle.merge(support, std::string(paths::k_coder_support) + "/");
    const std::string zip = check(write_zip_memory(support, mtime));
    check(write_file_atomic(out_dir / (name + "-coder-support.zip"), zip, 0644));
  }

  const Json version = {{"info", {{"major", json_string(meta, "server_major")},
                                  {"minor", json_string(meta, "server_minor")},
                                  {"gitVersion", json_string(meta, "server_version")},
                                  {"platform", "linux/amd64"}}},
                        {"string", json_string(meta, "server_version")}};
  bundle.put(std::string(paths::k_cluster_version), to_pretty_json(version));
  bundle.put(std::string(paths::k_version_yaml),
             fmt::format("apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v{}\n", k_version));
  Json manifest = {{"format_version", 1},
                   {"tool", {{"name", "kubectl-coder_cva"}, {"version", std::string(k_version)}}},
                   {"sample", name},
                   {"collected_at", collected_at},
                   {"context", json_string(meta, "context")},
                   {"server_version", json_string(meta, "server_version")},
                   {"collectors", Json::array()},
                   {"redaction", Json::object()}};
  if (const Json& cov = json_at(meta, "coverage"); cov.is_object()) {
    manifest["coverage"] = cov;
  }
  bundle.put(std::string(paths::k_manifest), to_pretty_json(manifest));

  std::string stamp = collected_at;
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  const std::string top = fmt::format("coder-cva-{}-{}", json_string(meta, "context", name), stamp);
  check(write_tar_gz(bundle, out_dir / (name + ".tar.gz"), top, mtime));
  return 0;
}
