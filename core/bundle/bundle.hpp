#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// The in-memory form of an archive: relative, '/'-separated, normalised paths mapped to file
// contents, kept sorted. Readers guarantee that every path is relative and free of `..`, so a
// Bundle can be written out under any directory without escaping it.
class Bundle
{
public:
  // Adds or replaces the file at `path`.
  void put(std::string path, std::string bytes);

  // The contents at `path`, or nullptr when absent.
  const std::string* get(std::string_view path) const;

  bool contains(std::string_view path) const { return get(path) != nullptr; }

  // Removes the file at `path` if present.
  void erase(std::string_view path);

  // Paths starting with `prefix`, sorted.
  std::vector<std::string> list(std::string_view prefix) const;

  // Paths directly inside directory `dir` (no trailing slash) ending with `suffix`, sorted; files
  // in subdirectories are not included.
  std::vector<std::string> list_dir(std::string_view dir, std::string_view suffix = {}) const;

  // Every file, sorted by path.
  const std::map<std::string, std::string, std::less<>>& files() const { return m_files; }

  std::size_t size() const { return m_files.size(); }
  std::uint64_t total_bytes() const { return m_total_bytes; }

  // Copies every file of `other` under `prefix` (which should end with '/'), replacing files at
  // the same paths.
  void merge(const Bundle& other, std::string_view prefix = {});

private:
  std::map<std::string, std::string, std::less<>> m_files;
  std::uint64_t m_total_bytes = 0;
};

// Normalises an archive member name to a bundle path: strips a leading "./", collapses "//" and
// "." segments. Returns an empty string when the name is absolute, contains a `..` segment, or a
// NUL or backslash, i.e. when it could escape the bundle.
std::string normalize_member_path(std::string_view name);

} // namespace cva
