#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// Fuzz targets for every reader of untrusted input. Each takes arbitrary bytes and must return
// without crashing, hanging or leaking, whatever they hold. They are linked into libFuzzer
// binaries (CVA_FUZZ=ON with clang) and replayed with deterministic mutations by the unit tests.
namespace cva::fuzz {

// tar/tar.gz/zip archives, then the bundle -> Snapshot path.
int archive(const std::uint8_t* data, std::size_t size);
// YAML/JSON manifests, laid out as a bundle with pods synthesized.
int manifests(const std::uint8_t* data, std::size_t size);
// A bundle file at a well-known path (JSON lists, error files, manifest) -> Snapshot.
int bundle_file(const std::uint8_t* data, std::size_t size);
// Label selectors and quantities.
int selectors(const std::uint8_t* data, std::size_t size);
// The redactor over JSON and text.
int redactor(const std::uint8_t* data, std::size_t size);
// The stdout form of `kubectl cluster-info dump`, converted to our layout and analyzed.
int cluster_info_dump(const std::uint8_t* data, std::size_t size);

using Target = int (*)(const std::uint8_t*, std::size_t);

struct NamedTarget
{
  std::string_view name;
  Target target;
};

inline constexpr NamedTarget k_targets[] = {
  {"archive", &archive}, {"manifests", &manifests}, {"bundle_file", &bundle_file},
  {"selectors", &selectors}, {"redactor", &redactor}, {"cluster_info_dump", &cluster_info_dump},
};

} // namespace cva::fuzz
