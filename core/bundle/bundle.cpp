#include "bundle.hpp"

namespace cva {

void Bundle::put(std::string path, std::string bytes)
{
  auto it = m_files.find(path);
  if (it != m_files.end()) {
    m_total_bytes -= it->second.size();
    m_total_bytes += bytes.size();
    it->second = std::move(bytes);
    return;
  }
  m_total_bytes += bytes.size();
  m_files.emplace(std::move(path), std::move(bytes));
}

const std::string* Bundle::get(std::string_view path) const
{
  const auto it = m_files.find(path);
  return it == m_files.end() ? nullptr : &it->second;
}

void Bundle::erase(std::string_view path)
{
  const auto it = m_files.find(path);
  if (it != m_files.end()) {
    m_total_bytes -= it->second.size();
    m_files.erase(it);
  }
}

std::vector<std::string> Bundle::list(std::string_view prefix) const
{
  std::vector<std::string> out;
  for (auto it = m_files.lower_bound(prefix); it != m_files.end(); ++it) {
    if (!it->first.starts_with(prefix)) {
      break;
    }
    out.push_back(it->first);
  }
  return out;
}

std::vector<std::string> Bundle::list_dir(std::string_view dir, std::string_view suffix) const
{
  std::string prefix(dir);
  if (!prefix.empty() && prefix.back() != '/') {
    prefix += '/';
  }
  std::vector<std::string> out;
  for (auto it = m_files.lower_bound(prefix); it != m_files.end(); ++it) {
    const std::string& path = it->first;
    if (!path.starts_with(prefix)) {
      break;
    }
    const std::string_view rest = std::string_view(path).substr(prefix.size());
    if (rest.find('/') == std::string_view::npos && rest.ends_with(suffix)) {
      out.push_back(path);
    }
  }
  return out;
}

void Bundle::merge(const Bundle& other, std::string_view prefix)
{
  for (const auto& [path, bytes] : other.files()) {
    put(std::string(prefix) + path, bytes);
  }
}

std::string normalize_member_path(std::string_view name)
{
  if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos) {
    return {};
  }
  std::string out;
  std::size_t pos = 0;
  while (pos <= name.size()) {
    const std::size_t next = std::min(name.find('/', pos), name.size());
    const std::string_view seg = name.substr(pos, next - pos);
    pos = next + 1;
    if (seg.empty() || seg == ".") {
      continue;
    }
    if (seg == "..") {
      return {};
    }
    if (!out.empty()) {
      out += '/';
    }
    out += seg;
  }
  return out;
}

} // namespace cva
