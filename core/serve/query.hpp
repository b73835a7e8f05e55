#pragma once

#include <core/model/labels.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Selecting and paging list results the way the Kubernetes API server does.
namespace cva::serve {

// One term of a field selector: `field=value`, `field==value` or `field!=value`.
struct FieldRequirement
{
  std::string field; // a dotted path into the object: `metadata.name`, `status.phase`
  bool equals = true;
  std::string value;
};

// A `?fieldSelector=` value. Unlike the API server, which allows a fixed list of fields per kind,
// any dotted path is accepted (so `metadata.name`, `metadata.namespace`, `status.phase`,
// `spec.nodeName` and `involvedObject.*` all work for the kinds that have them); a field the
// object lacks reads as the empty string, as the API server's own field sets do. An event's
// `source` selects on its reporting component, and an unset `spec.hostNetwork` (pods) or
// `spec.unschedulable` (nodes) reads `false`, as the API server's field sets have them.
class FieldSelector
{
public:
  // Parses comma-separated terms; `\` escapes the next character in a value. An error names the
  // offending text.
  static Result<FieldSelector> parse(std::string_view text);

  // True when every term holds for `object`.
  bool matches(const Json& object) const;

  const std::vector<FieldRequirement>& requirements() const { return m_requirements; }

private:
  std::vector<FieldRequirement> m_requirements;
};

// The value at a dotted `path` of `object` as a string (numbers and booleans in JSON form), or ""
// when absent.
std::string field_value(const Json& object, std::string_view path);

// One object of a list in the API server's order (namespace, then name), with its sort key.
struct ListEntry
{
  std::string key; // `<namespace>/<name>`
  const Json* object = nullptr;
};

// A list request's selection and paging.
struct ListQuery
{
  LabelSelector labels;
  FieldSelector fields;
  std::size_t limit = 0;     // 0: everything
  std::string continue_from; // the `continue` token of the previous page
};

// One page of a list.
struct Page
{
  std::vector<const Json*> items;
  std::string continue_token;       // empty on the last page
  std::int64_t remaining_items = 0; // objects after this page (set only when there is a next page)
};

// Selects the entries of `sorted` (ordered by key) matching `query` and cuts the page after the
// `continue` position. Tokens carry `resource_version` and the last key returned, so pages are
// stable; a token from another resource version or a garbled one is an error (the API server
// answers 410 and 400 for these).
Result<Page> select_page(const std::vector<ListEntry>& sorted, const ListQuery& query,
                         std::string_view resource_version);

// Reasons select_page() can fail, as the message prefix, so callers can pick the status code.
inline constexpr std::string_view k_expired_token = "the provided continue parameter is too old";

} // namespace cva::serve
