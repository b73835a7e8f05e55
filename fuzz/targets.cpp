#include "targets.hpp"

#include <core/bundle/archive.hpp>
#include <core/bundle/cluster_info_dump.hpp>
#include <core/bundle/input.hpp>
#include <core/bundle/manifests.hpp>
#include <core/check/runner.hpp>
#include <core/model/labels.hpp>
#include <core/model/quantity.hpp>
#include <core/model/snapshot.hpp>
#include <core/redact/redactor.hpp>

#include <string>

namespace cva::fuzz {

namespace {

// Builds a snapshot and runs every check: analyzers must cope with whatever parsed.
void analyze(Bundle bundle)
{
  LoadedInput input;
  input.bundle = std::move(bundle);
  auto snapshot = Snapshot::build(std::move(input));
  if (snapshot) {
    (void)run_checks(*snapshot, {});
  }
}

ReadLimits small_limits()
{
  ReadLimits limits;
  limits.max_entries = 1000;
  limits.max_total_bytes = 16u << 20;
  limits.max_entry_bytes = 8u << 20;
  limits.ratio_floor_bytes = 1u << 20;
  return limits;
}

} // namespace

int archive(const std::uint8_t* data, std::size_t size)
{
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto bundle = read_archive_memory(bytes, "fuzz", small_limits());
  if (bundle) {
    strip_single_top_dir(*bundle);
    analyze(std::move(*bundle));
  }
  return 0;
}

int cluster_info_dump(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!looks_like_cluster_info_dump_stream(text)) {
    return 0;
  }
  auto dump = split_cluster_info_dump_stream(text, "fuzz.txt");
  if (dump) {
    analyze(convert_cluster_info_dump(*dump));
  }
  return 0;
}

int manifests(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto objects = parse_manifest_text(text, "fuzz.yaml");
  if (objects) {
    auto bundle = manifests_to_bundle(*objects);
    if (bundle) {
      analyze(std::move(*bundle));
    }
  }
  return 0;
}

int bundle_file(const std::uint8_t* data, std::size_t size)
{
  if (size < 1) {
    return 0;
  }
  static const char* k_paths[] = {"cluster-resources/pods/coder.json", "cluster-resources/nodes.json",
                                  "cluster-resources/pods-errors.json", "coder-cva/manifest.json",
                                  "cluster-resources/configmaps/kube-system.json",
                                  "cluster-resources/custom-resources/nodepools.karpenter.sh.json",
                                  "coder/support-bundle/deployment/health.json", "cluster-resources/deployments/coder.json"};
  const std::string path = k_paths[data[0] % (sizeof k_paths / sizeof k_paths[0])];
  Bundle bundle;
  bundle.put(path, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  analyze(std::move(bundle));
  return 0;
}

int selectors(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = LabelSelector::parse(text)) {
    // The canonical form must parse back to the same selector.
    auto again = LabelSelector::parse(s->to_string());
    if (!again || !(*again == *s)) {
      __builtin_trap();
    }
  }
  if (auto q = Quantity::parse(text)) {
    (void)q->value();
    (void)q->to_binary_string();
  }
  return 0;
}

int redactor(const std::uint8_t* data, std::size_t size)
{
  static auto r = Redactor::create({});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string once = r->redact_text(text);
  // Redaction is idempotent: running it again changes nothing.
  if (r->redact_text(once) != once) {
    __builtin_trap();
  }
  if (auto doc = parse_json(text, "fuzz")) {
    r->redact_json(*doc);
  }
  return 0;
}

} // namespace cva::fuzz
