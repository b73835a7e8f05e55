// The only file that includes libarchive.
#include "archive.hpp"

#include <fmt/format.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace cva {

namespace {

struct ArchiveReadDeleter
{
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteDeleter
{
  void operator()(archive* a) const { archive_write_free(a); }
};
using ReadHandle = std::unique_ptr<archive, ArchiveReadDeleter>;
using WriteHandle = std::unique_ptr<archive, ArchiveWriteDeleter>;

std::string archive_message(archive* a)
{
  const char* msg = archive_error_string(a);
  return msg != nullptr ? std::string(msg) : std::string("unknown libarchive error");
}

// Resolves a link target relative to the directory of `member`; empty when it escapes.
std::string resolve_link(std::string_view member, std::string_view target)
{
  if (target.empty() || target.front() == '/') {
    return {};
  }
  const auto slash = member.rfind('/');
  const std::string joined =
    slash == std::string_view::npos ? std::string(target)
                                    : std::string(member.substr(0, slash + 1)) + std::string(target);
  // Walk segments keeping depth so that "a/../b" stays inside but "../x" does not.
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const auto pos = rest.find('/');
    const std::string_view seg = rest.substr(0, pos);
    rest = pos == std::string_view::npos ? std::string_view{} : rest.substr(pos + 1);
    if (seg.empty() || seg == ".") {
      continue;
    }
    if (seg == "..") {
      if (parts.empty()) {
        return {};
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(seg);
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) {
      out += '/';
    }
    out += p;
  }
  return out;
}

Result<Bundle> read_all(archive* a, std::string_view what, const ReadLimits& limits)
{
  Bundle bundle;
  std::uint64_t entries = 0;
  std::uint64_t total = 0;
  archive_entry* entry = nullptr;
  std::vector<char> buffer(1 << 16);
  while (true) {
    const int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) {
      break;
    }
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
      if (entries == 0) {
        return fail(fmt::format("{}: not a readable tar.gz, tar or zip archive: {}", what,
                                archive_message(a)));
      }
      return fail(fmt::format("{}: truncated or corrupt archive: {}", what, archive_message(a)));
    }
    if (++entries > limits.max_entries) {
      return fail(fmt::format("{}: more than {} entries; refusing to read it", what,
                              limits.max_entries));
    }
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name != nullptr ? raw_name : "";
    const std::string path = normalize_member_path(name);
    if (path.empty()) {
      if (name == "." || name == "./") {
        continue;
      }
      return fail(fmt::format("{}: member '{}' has an absolute or escaping path; refusing to read it",
                              what, name));
    }
    if (const char* hard = archive_entry_hardlink(entry); hard != nullptr) {
      if (normalize_member_path(hard).empty()) {
        return fail(fmt::format("{}: hard link '{}' points outside the archive ('{}')", what, name,
                                hard));
      }
      continue;
    }
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (target == nullptr || resolve_link(path, target).empty()) {
        return fail(fmt::format("{}: symlink '{}' points outside the archive ('{}')", what, name,
                                target != nullptr ? target : ""));
      }
      continue;
    }
    if (type != AE_IFREG) {
      continue;
    }
    std::string contents;
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n == 0) {
        break;
      }
      if (n < 0) {
        return fail(
          fmt::format("{}: truncated or corrupt archive at '{}': {}", what, name, archive_message(a)));
      }
      contents.append(buffer.data(), static_cast<std::size_t>(n));
      total += static_cast<std::uint64_t>(n);
      if (contents.size() > limits.max_entry_bytes) {
        return fail(fmt::format("{}: member '{}' is larger than {} bytes uncompressed; refusing it",
                                what, name, limits.max_entry_bytes));
      }
      if (total > limits.max_total_bytes) {
        return fail(fmt::format("{}: more than {} bytes uncompressed; refusing to read it", what,
                                limits.max_total_bytes));
      }
      if (total > limits.ratio_floor_bytes) {
        const auto compressed = static_cast<std::uint64_t>(archive_filter_bytes(a, -1));
        if (compressed > 0 && total / compressed > limits.max_ratio) {
          return fail(fmt::format(
            "{}: expands more than {}x ({} bytes from {}); refusing a likely decompression bomb",
            what, limits.max_ratio, total, compressed));
        }
      }
    }
    bundle.put(path, std::move(contents));
  }
  return bundle;
}

ReadHandle new_reader()
{
  ReadHandle a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_none(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip_seekable(a.get());
  return a;
}

la_ssize_t write_to_string(archive*, void* client, const void* buffer, size_t length)
{
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Result<void> add_entries(archive* a, const Bundle& bundle, std::string_view top_dir,
                         std::time_t mtime)
{
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                      &archive_entry_free);
  for (const auto& [path, bytes] : bundle.files()) {
    archive_entry_clear(entry.get());
    const std::string name = top_dir.empty() ? path : fmt::format("{}/{}", top_dir, path);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), mtime, 0);
    if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
      return fail(fmt::format("cannot add '{}' to archive: {}", name, archive_message(a)));
    }
    if (!bytes.empty() &&
        archive_write_data(a, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
      return fail(fmt::format("cannot write '{}' to archive: {}", name, archive_message(a)));
    }
  }
  return {};
}

Result<std::string> write_memory(const Bundle& bundle, std::string_view top_dir, std::time_t mtime,
                                 bool zip)
{
  std::string out;
  WriteHandle a(archive_write_new());
  if (zip) {
    archive_write_set_format_zip(a.get());
  } else {
    archive_write_set_format_pax_restricted(a.get());
    archive_write_add_filter_gzip(a.get());
  }
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open(a.get(), &out, nullptr, &write_to_string, nullptr) != ARCHIVE_OK) {
    return fail(fmt::format("cannot start archive: {}", archive_message(a.get())));
  }
  CVA_TRY(add_entries(a.get(), bundle, top_dir, mtime));
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return fail(fmt::format("cannot finish archive: {}", archive_message(a.get())));
  }
  return out;
}

} // namespace

Result<Bundle> read_archive_file(const std::filesystem::path& path, const ReadLimits& limits)
{
  const std::string what = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(fmt::format("{}: no such file", what));
  }
  ReadHandle a = new_reader();
  if (archive_read_open_filename(a.get(), what.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail(fmt::format("{}: cannot open archive: {}", what, archive_message(a.get())));
  }
  return read_all(a.get(), what, limits);
}

Result<Bundle> read_archive_memory(std::string_view bytes, std::string_view what,
                                   const ReadLimits& limits)
{
  ReadHandle a = new_reader();
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return fail(fmt::format("{}: not a readable tar.gz, tar or zip archive: {}", what,
                            archive_message(a.get())));
  }
  return read_all(a.get(), what, limits);
}

Result<std::string> write_zip_memory(const Bundle& bundle, std::time_t mtime)
{
  return write_memory(bundle, {}, mtime, true);
}

Result<std::string> write_tar_gz_memory(const Bundle& bundle, std::string_view top_dir,
                                        std::time_t mtime)
{
  return write_memory(bundle, top_dir, mtime, false);
}

Result<void> write_file_atomic(const std::filesystem::path& target, std::string_view bytes,
                               unsigned mode)
{
  const std::filesystem::path dir =
    target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    return fail(fmt::format("cannot create {}: {}", target.string(), std::strerror(errno)));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(tmpl.c_str());
      return fail(fmt::format("cannot write {}: {}", target.string(), reason));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmpl.c_str());
    return fail(fmt::format("cannot write {}: {}", target.string(), reason));
  }
  if (std::rename(tmpl.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmpl.c_str());
    return fail(fmt::format("cannot write {}: {}", target.string(), reason));
  }
  return {};
}

Result<void> write_tar_gz(const Bundle& bundle, const std::filesystem::path& target,
                          std::string_view top_dir, std::time_t mtime)
{
  CVA_TRY_ASSIGN(bytes, write_memory(bundle, top_dir, mtime, false));
  return write_file_atomic(target, bytes, 0600);
}

} // namespace cva
