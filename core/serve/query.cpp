#include "query.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cva::serve {

namespace {

constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in)
{
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : in) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_b64[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) {
    out += k_b64[(buffer << (6 - bits)) & 0x3f];
  }
  while (out.size() % 4 != 0) {
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out)
{
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : in) {
    if (c == '=') {
      break;
    }
    const auto pos = k_b64.find(c);
    if (pos == std::string_view::npos) {
      return false;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return true;
}

} // namespace

Result<FieldSelector> FieldSelector::parse(std::string_view text)
{
  FieldSelector s;
  std::vector<std::string> terms(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      terms.back() += text[i];
      terms.back() += text[++i];
    } else if (text[i] == ',') {
      terms.emplace_back();
    } else {
      terms.back() += text[i];
    }
  }
  for (const std::string& term : terms) {
    if (term.empty()) {
      if (terms.size() == 1) {
        break;
      }
      return fail(fmt::format("invalid field selector '{}': empty term", text));
    }
    FieldRequirement req;
    std::size_t op = std::string::npos;
    std::size_t op_len = 0;
    for (std::size_t i = 0; i < term.size(); ++i) {
      if (term[i] == '\\') {
        ++i;
        continue;
      }
      if (term.compare(i, 2, "!=") == 0) {
        op = i, op_len = 2, req.equals = false;
      } else if (term.compare(i, 2, "==") == 0) {
        op = i, op_len = 2;
      } else if (term[i] == '=') {
        op = i, op_len = 1;
      }
      if (op != std::string::npos) {
        break;
      }
    }
    if (op == std::string::npos || op == 0) {
      return fail(fmt::format("invalid field selector '{}': '{}' is not field=value or field!=value", text, term));
    }
    req.field = term.substr(0, op);
    for (std::size_t i = op + op_len; i < term.size(); ++i) {
      if (term[i] == '\\' && i + 1 < term.size()) {
        ++i;
      }
      req.value += term[i];
    }
    s.m_requirements.push_back(std::move(req));
  }
  return s;
}

std::string field_value(const Json& object, std::string_view path)
{
  const Json* current = &object;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t dot = std::min(path.find('.', pos), path.size());
    current = &json_at(*current, path.substr(pos, dot - pos));
    if (current->is_null()) {
      return {};
    }
    pos = dot + 1;
  }
  if (current->is_string()) {
    return current->get<std::string>();
  }
  return current->is_primitive() ? current->dump() : std::string();
}

namespace {

// The value the API server selects on: a dotted path, except the fields it names differently.
// An event's `source` is its reporting component (source.component, else reportingComponent);
// a pod's spec.hostNetwork and a node's spec.unschedulable read `false` when unset.
std::string selectable_value(const Json& object, std::string_view field)
{
  if (field == "source" && json_at(object, "source").is_object()) {
    const std::string component = field_value(object, "source.component");
    return component.empty() ? field_value(object, "reportingComponent") : component;
  }
  std::string value = field_value(object, field);
  if (value.empty() && (field == "spec.hostNetwork" || field == "spec.unschedulable")) {
    return "false";
  }
  return value;
}

} // namespace

bool FieldSelector::matches(const Json& object) const
{
  return std::all_of(m_requirements.begin(), m_requirements.end(), [&](const FieldRequirement& r) {
    return (selectable_value(object, r.field) == r.value) == r.equals;
  });
}

Result<Page> select_page(const std::vector<ListEntry>& sorted, const ListQuery& query,
                         std::string_view resource_version)
{
  std::string start_after;
  if (!query.continue_from.empty()) {
    std::string decoded;
    Json token;
    if (base64_decode(query.continue_from, decoded)) {
      token = Json::parse(decoded, nullptr, false);
    }
    if (!token.is_object() || !json_at(token, "start").is_string()) {
      return fail("continue key is not valid: not a token this server issued");
    }
    if (json_string(token, "rv") != resource_version) {
      return fail(fmt::format("{}: it was issued for resource version {}, the server is at {}",
                              k_expired_token, json_string(token, "rv"), resource_version));
    }
    start_after = json_string(token, "start");
  }
  auto it = sorted.begin();
  if (!start_after.empty()) {
    it = std::upper_bound(sorted.begin(), sorted.end(), start_after,
                          [](const std::string& key, const ListEntry& e) { return key < e.key; });
  }
  Page page;
  std::string last_key;
  const auto selected = [&](const ListEntry& e) {
    return query.labels.matches(to_string_map(json_path(*e.object, {"metadata", "labels"}))) &&
           query.fields.matches(*e.object);
  };
  for (; it != sorted.end(); ++it) {
    if (!selected(*it)) {
      continue;
    }
    if (query.limit > 0 && page.items.size() == query.limit) {
      // `it` is the first object of the next page; everything selected from here on remains.
      page.remaining_items = std::count_if(it, sorted.end(), selected);
      page.continue_token = base64_encode(Json{{"rv", resource_version}, {"start", last_key}}.dump());
      break;
    }
    page.items.push_back(it->object);
    last_key = it->key;
  }
  return page;
}

} // namespace cva::serve
