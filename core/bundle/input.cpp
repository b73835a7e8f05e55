#include "input.hpp"

#include <core/bundle/cluster_info_dump.hpp>
#include <core/bundle/manifests.hpp>
#include <core/bundle/paths.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

namespace cva {

namespace fs = std::filesystem;

std::string_view to_string(InputFormat format)
{
  switch (format) {
    case InputFormat::cva:
      return "coder-cva";
    case InputFormat::troubleshoot:
      return "troubleshoot";
    case InputFormat::cluster_info_dump:
      return "cluster-info-dump";
    case InputFormat::manifests:
      return "manifests";
    case InputFormat::coder_support:
      return "coder-support-bundle";
  }
  return "coder-cva";
}

namespace {

bool has_bundle_marker(const Bundle& bundle)
{
  return bundle.contains(paths::k_version_yaml) || bundle.contains(paths::k_manifest) ||
         !bundle.list(std::string(paths::k_cluster_resources) + "/").empty() ||
         !bundle.list("cluster-info/").empty();
}

} // namespace

bool looks_like_coder_support(const Bundle& bundle)
{
  return !bundle.list("deployment/").empty() || bundle.contains("agent/agent.json") ||
         bundle.contains("network/netcheck.json") || bundle.contains("workspace/workspace.json");
}

namespace {

Result<std::string> read_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(fmt::format("{}: cannot read file", path.string()));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ClusterInput
{
  Bundle bundle;
  InputFormat format = InputFormat::cva;
  std::string top_dir;
};

ClusterInput classify_bundle(Bundle bundle, std::string top_dir)
{
  ClusterInput in;
  if (!has_bundle_marker(bundle)) {
    const std::string stripped = strip_single_top_dir(bundle);
    if (!stripped.empty()) {
      top_dir = stripped;
    }
  }
  in.top_dir = std::move(top_dir);
  if (looks_like_cluster_info_dump(bundle) && !has_bundle_marker(bundle)) {
    in.bundle = convert_cluster_info_dump(bundle);
    in.format = InputFormat::cluster_info_dump;
    return in;
  }
  in.format = bundle.contains(paths::k_manifest) ? InputFormat::cva : InputFormat::troubleshoot;
  in.bundle = std::move(bundle);
  return in;
}

} // namespace

std::string strip_single_top_dir(Bundle& bundle)
{
  if (bundle.size() == 0 || has_bundle_marker(bundle)) {
    return {};
  }
  std::string top;
  for (const auto& [path, bytes] : bundle.files()) {
    const auto slash = path.find('/');
    if (slash == std::string::npos) {
      return {};
    }
    const std::string first = path.substr(0, slash);
    if (top.empty()) {
      top = first;
    } else if (top != first) {
      return {};
    }
  }
  Bundle stripped;
  for (const auto& [path, bytes] : bundle.files()) {
    stripped.put(path.substr(top.size() + 1), bytes);
  }
  bundle = std::move(stripped);
  return top;
}

Result<Bundle> read_directory(const std::string& dir, const ReadLimits& limits)
{
  Bundle bundle;
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::path(dir), ec);
  if (ec || !fs::is_directory(root)) {
    return fail(fmt::format("{}: not a directory", dir));
  }
  std::uint64_t entries = 0;
  std::uint64_t total = 0;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) {
    return fail(fmt::format("{}: cannot read directory: {}", dir, ec.message()));
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      return fail(fmt::format("{}: cannot read directory: {}", dir, ec.message()));
    }
    const fs::directory_entry& entry = *it;
    const std::string rel = fs::relative(entry.path(), root, ec).generic_string();
    if (++entries > limits.max_entries) {
      return fail(fmt::format("{}: more than {} entries; refusing to read it", dir, limits.max_entries));
    }
    if (entry.is_symlink(ec)) {
      const fs::path target = fs::weakly_canonical(entry.path(), ec);
      const std::string target_rel = fs::relative(target, root, ec).generic_string();
      if (ec || target_rel.empty() || target_rel.starts_with("..") || target.is_relative()) {
        return fail(fmt::format("{}: symlink '{}' points outside the directory", dir, rel));
      }
      continue; // inside: its target is read as itself
    }
    if (!entry.is_regular_file(ec)) {
      continue;
    }
    const std::uint64_t size = entry.file_size(ec);
    if (size > limits.max_entry_bytes) {
      return fail(fmt::format("{}: '{}' is larger than {} bytes; refusing it", dir, rel,
                              limits.max_entry_bytes));
    }
    total += size;
    if (total > limits.max_total_bytes) {
      return fail(fmt::format("{}: more than {} bytes; refusing to read it", dir, limits.max_total_bytes));
    }
    CVA_TRY_ASSIGN(bytes, read_file(entry.path()));
    bundle.put(rel, std::move(bytes));
  }
  return bundle;
}

Result<LoadedInput> load_inputs(const std::vector<std::string>& args, const ReadLimits& limits,
                                const ManifestOptions& manifest_options)
{
  if (args.empty()) {
    return fail("no input given");
  }
  LoadedInput result;
  result.origins = args;
  std::optional<ClusterInput> cluster;
  std::vector<std::pair<std::string, Bundle>> support_zips;
  std::vector<ManifestObject> manifests;
  std::vector<std::string> manifest_args;

  const auto add_manifest_text = [&](const std::string& text, const std::string& what) -> Result<void> {
    CVA_TRY_ASSIGN(objects, parse_manifest_text(text, what));
    for (auto& o : objects) {
      manifests.push_back(std::move(o));
    }
    return {};
  };
  const auto set_cluster = [&](ClusterInput in, const std::string& arg) -> Result<void> {
    if (cluster || !manifest_args.empty()) {
      return fail(fmt::format("{}: only one cluster input can be analyzed at a time", arg));
    }
    cluster = std::move(in);
    return {};
  };

  // Text from a file or stdin: what `kubectl cluster-info dump` prints, or manifests.
  const auto add_text = [&](const std::string& text, const std::string& what, const std::string& arg) -> Result<void> {
    if (looks_like_cluster_info_dump_stream(text)) {
      CVA_TRY_ASSIGN(dump, split_cluster_info_dump_stream(text, what));
      return set_cluster(classify_bundle(std::move(dump), {}), arg);
    }
    CVA_TRY(add_manifest_text(text, what));
    manifest_args.push_back(arg);
    return {};
  };

  for (const std::string& arg : args) {
    if (arg == "-") {
      const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      CVA_TRY(add_text(text, "<stdin>", arg));
      continue;
    }
    std::error_code ec;
    const fs::path path(arg);
    if (fs::is_directory(path, ec)) {
      CVA_TRY_ASSIGN(bundle, read_directory(arg, limits));
      Bundle probe = bundle;
      if (!looks_like_coder_support(probe)) {
        strip_single_top_dir(probe);
      }
      if (looks_like_coder_support(probe) && !has_bundle_marker(probe)) {
        support_zips.emplace_back(arg, std::move(probe));
        continue;
      }
      if (has_bundle_marker(probe) || looks_like_cluster_info_dump(probe)) {
        CVA_TRY(set_cluster(classify_bundle(std::move(bundle), {}), arg));
        continue;
      }
      bool any = false;
      for (const auto& [rel, bytes] : bundle.files()) {
        if (is_manifest_file_name(rel)) {
          CVA_TRY(add_manifest_text(bytes, (path / rel).generic_string()));
          any = true;
        }
      }
      if (!any) {
        return fail(fmt::format("{}: no bundle, cluster-info dump or manifests found in this directory", arg));
      }
      manifest_args.push_back(arg);
      continue;
    }
    if (!fs::exists(path, ec)) {
      return fail(fmt::format("{}: no such file or directory", arg));
    }
    CVA_TRY_ASSIGN(head_bytes, read_file(path));
    const std::string_view head(head_bytes);
    const bool gzip = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
                      static_cast<unsigned char>(head[1]) == 0x8b;
    const bool zip = head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06");
    const bool tar = head.size() > 262 && head.substr(257, 5) == "ustar";
    if (gzip || tar) {
      CVA_TRY_ASSIGN(bundle, read_archive_memory(head_bytes, arg, limits));
      if (bundle.size() == 0) {
        return fail(fmt::format("{}: the archive is empty", arg));
      }
      ClusterInput in = classify_bundle(std::move(bundle), {});
      if (!has_bundle_marker(in.bundle) && in.format != InputFormat::cluster_info_dump) {
        if (looks_like_coder_support(in.bundle)) {
          support_zips.emplace_back(arg, std::move(in.bundle));
          continue;
        }
        return fail(fmt::format(
          "{}: not a support bundle (no version.yaml, cluster-resources/ or coder-cva/ inside)", arg));
      }
      CVA_TRY(set_cluster(std::move(in), arg));
      continue;
    }
    if (zip) {
      CVA_TRY_ASSIGN(bundle, read_archive_memory(head_bytes, arg, limits));
      if (!looks_like_coder_support(bundle)) {
        strip_single_top_dir(bundle);
      }
      if (!looks_like_coder_support(bundle)) {
        return fail(fmt::format("{}: not a Coder support bundle (no deployment/, agent/ or network/ files)", arg));
      }
      support_zips.emplace_back(arg, std::move(bundle));
      continue;
    }
    if (head.find('\0') != std::string_view::npos) {
      return fail(fmt::format("{}: not a tar.gz or zip archive, nor YAML or JSON manifests", arg));
    }
    CVA_TRY(add_text(head_bytes, arg, arg));
  }

  if (!manifest_args.empty()) {
    if (cluster) {
      return fail(fmt::format("{}: manifests can't be combined with a cluster archive", manifest_args.front()));
    }
    if (manifests.empty()) {
      return fail(fmt::format("{}: no Kubernetes objects found", manifest_args.front()));
    }
    CVA_TRY_ASSIGN(bundle, manifests_to_bundle(manifests, ManifestLayoutOptions{manifest_options.default_namespace, true, true}));
    result.bundle = std::move(bundle);
    result.format = InputFormat::manifests;
  } else if (cluster) {
    result.bundle = std::move(cluster->bundle);
    result.format = cluster->format;
    result.top_dir = std::move(cluster->top_dir);
  } else {
    result.format = InputFormat::coder_support;
  }

  // The first free mount point: a cluster archive may already carry a support bundle.
  std::size_t slot = 1;
  for (const auto& [arg, zip] : support_zips) {
    std::string prefix;
    do {
      prefix = slot == 1 ? fmt::format("{}/", paths::k_coder_support)
                         : fmt::format("{}-{}/", paths::k_coder_support, slot);
      ++slot;
    } while (!result.bundle.list(prefix).empty());
    result.bundle.merge(zip, prefix);
  }
  return result;
}

} // namespace cva
