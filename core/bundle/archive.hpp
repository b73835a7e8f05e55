#pragma once

#include <core/bundle/bundle.hpp>
#include <core/util/result.hpp>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

namespace cva {

// Bounds applied while reading untrusted archives and directories. Anything over a bound is
// refused as a whole: a partial bundle is never returned.
struct ReadLimits
{
  std::uint64_t max_entries = 500'000;
  std::uint64_t max_total_bytes = std::uint64_t{8} << 30; // uncompressed
  std::uint64_t max_entry_bytes = std::uint64_t{2} << 30;
  // Past `ratio_floor_bytes` of output, more than `max_ratio` uncompressed bytes per compressed
  // byte is treated as a decompression bomb (JSON compresses about 10-30x; zeros 1000x).
  std::uint64_t ratio_floor_bytes = std::uint64_t{64} << 20;
  std::uint64_t max_ratio = 200;
};

// Reads a tar (optionally gzip-compressed) or zip archive from `path` into a Bundle. Refuses
// absolute member paths, `..` segments, symlinks or hard links pointing outside the archive, and
// input over `limits`, with a one-line error naming the file. Links that stay inside are skipped
// (their targets are read as themselves); directories and special files are ignored.
Result<Bundle> read_archive_file(const std::filesystem::path& path, const ReadLimits& limits = {});

// The same for an archive held in memory; `what` names it in errors.
Result<Bundle> read_archive_memory(std::string_view bytes, std::string_view what,
                                   const ReadLimits& limits = {});

// Writes `bundle` as a gzip-compressed tar with every path under `top_dir`/ to `target`
// atomically: a temporary file in the same directory is written, flushed and renamed, so
// `target` never holds a partial archive. The file is created with mode 0600 because archives
// describe a customer's cluster. `mtime` stamps every entry.
Result<void> write_tar_gz(const Bundle& bundle, const std::filesystem::path& target,
                          std::string_view top_dir, std::time_t mtime);

// Renders `bundle` as a zip archive in memory (used to build Coder support bundles for samples
// and tests).
Result<std::string> write_zip_memory(const Bundle& bundle, std::time_t mtime);

// Renders `bundle` as a gzip-compressed tar in memory, every path under `top_dir`/.
Result<std::string> write_tar_gz_memory(const Bundle& bundle, std::string_view top_dir,
                                        std::time_t mtime);

// Writes `bytes` to `target` atomically (temporary file in the same directory + rename), with
// `mode` permissions.
Result<void> write_file_atomic(const std::filesystem::path& target, std::string_view bytes,
                               unsigned mode = 0600);

} // namespace cva
