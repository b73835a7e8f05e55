#include "json.hpp"

#include <fmt/format.h>

#include <charconv>

namespace cva {

namespace {
const Json k_null_json;
const Json k_empty_array = Json::array();
} // namespace

Result<Json> parse_json(std::string_view text, std::string_view what)
{
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    std::string detail = e.what();
    if (const auto pos = detail.find("]: "); pos != std::string::npos) {
      detail = detail.substr(pos + 3);
    }
    return fail(fmt::format("{}: invalid JSON: {}", what, detail));
  }
}

const Json& json_at(const Json& obj, std::string_view key)
{
  if (!obj.is_object()) {
    return k_null_json;
  }
  const auto it = obj.find(key);
  return it == obj.end() ? k_null_json : *it;
}

const Json& json_path(const Json& obj, std::initializer_list<std::string_view> keys)
{
  const Json* current = &obj;
  for (const std::string_view key : keys) {
    current = &json_at(*current, key);
    if (current->is_null()) {
      return k_null_json;
    }
  }
  return *current;
}

std::string json_string(const Json& obj, std::string_view key, std::string_view fallback)
{
  const Json& v = json_at(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string(fallback);
}

std::int64_t json_int(const Json& obj, std::string_view key, std::int64_t fallback)
{
  const Json& v = json_at(obj, key);
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.get<std::int64_t>();
  }
  if (v.is_number_float()) {
    return static_cast<std::int64_t>(v.get<double>());
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t out = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && ptr == s.data() + s.size()) {
      return out;
    }
  }
  return fallback;
}

bool json_bool(const Json& obj, std::string_view key, bool fallback)
{
  const Json& v = json_at(obj, key);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

const Json& json_array(const Json& obj, std::string_view key)
{
  const Json& v = json_at(obj, key);
  return v.is_array() ? v : k_empty_array;
}

const Json& list_items(const Json& doc)
{
  if (doc.is_array()) {
    return doc;
  }
  return json_array(doc, "items");
}

std::vector<std::pair<std::string, std::string>> json_string_map(const Json& obj)
{
  std::vector<std::pair<std::string, std::string>> out;
  if (!obj.is_object()) {
    return out;
  }
  for (const auto& [k, v] : obj.items()) {
    if (v.is_string()) {
      out.emplace_back(k, v.get<std::string>());
    }
  }
  return out;
}

std::string to_pretty_json(const Json& value)
{
  return value.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string json_pointer_token(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace cva
