#include "registry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cva {

namespace {

std::vector<CheckInfo>& table()
{
  static std::vector<CheckInfo> t;
  return t;
}

bool& sorted()
{
  static bool s = false;
  return s;
}

std::size_t area_rank(std::string_view area)
{
  for (std::size_t i = 0; i < std::size(k_areas); ++i) {
    if (k_areas[i] == area) {
      return i;
    }
  }
  return std::size(k_areas);
}

[[noreturn]] void die(std::string_view id, std::string_view why)
{
  std::fprintf(stderr, "kubectl-coder_cva: internal error: check '%.*s' %.*s\n",
               static_cast<int>(id.size()), id.data(), static_cast<int>(why.size()), why.data());
  std::abort();
}

} // namespace

bool is_valid_check_id(std::string_view id)
{
  if (id.empty() || id.front() == '-' || id.back() == '-') {
    return false;
  }
  char prev = '\0';
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool register_check(CheckInfo info)
{
  if (!is_valid_check_id(info.id)) {
    die(info.id, "has an id that is not kebab-case");
  }
  if (area_rank(info.area) == std::size(k_areas)) {
    die(info.id, "has an unknown area");
  }
  if (info.title.empty() || info.description.empty() || info.remediation.empty() ||
      info.run == nullptr || !info.doc_url.starts_with(k_doc_base)) {
    die(info.id, "lacks a title, description, remediation, doc_url under k_doc_base or run function");
  }
  if (find_check(info.id) != nullptr) {
    die(info.id, "is registered twice");
  }
  table().push_back(std::move(info));
  sorted() = false;
  return true;
}

std::span<const CheckInfo> checks()
{
  if (!sorted()) {
    std::sort(table().begin(), table().end(), [](const CheckInfo& a, const CheckInfo& b) {
      const auto ra = area_rank(a.area);
      const auto rb = area_rank(b.area);
      return ra != rb ? ra < rb : a.id < b.id;
    });
    sorted() = true;
  }
  return table();
}

const CheckInfo* find_check(std::string_view id)
{
  for (const CheckInfo& c : table()) {
    if (c.id == id) {
      return &c;
    }
  }
  return nullptr;
}

} // namespace cva
