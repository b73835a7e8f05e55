#pragma once

#include <core/util/result.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

using Json = nlohmann::json;

// Parses `text` as JSON. `what` names the file or object in the error message.
Result<Json> parse_json(std::string_view text, std::string_view what);

// The string at `key` of object `obj`, or `fallback` when `obj` is not an object or the member is
// absent or not a string.
std::string json_string(const Json& obj, std::string_view key, std::string_view fallback = {});

// The integer at `key`, or `fallback` when absent or not a number. Strings holding integers are
// accepted, since some APIs quote them.
std::int64_t json_int(const Json& obj, std::string_view key, std::int64_t fallback = 0);

// The boolean at `key`, or `fallback` when absent or not a boolean.
bool json_bool(const Json& obj, std::string_view key, bool fallback = false);

// The member at `key`, or a reference to a shared null when `obj` is not an object or lacks it.
const Json& json_at(const Json& obj, std::string_view key);

// Follows a chain of object keys; a shared null when any step is missing.
const Json& json_path(const Json& obj, std::initializer_list<std::string_view> keys);

// The array at `key`, or a shared empty array.
const Json& json_array(const Json& obj, std::string_view key);

// Items of a Kubernetes List object (`items`), or the elements of a bare array (troubleshoot
// writes custom resources that way). Anything else yields an empty array.
const Json& list_items(const Json& doc);

// A map of string to string from an object member (labels, annotations); non-string values are
// skipped.
std::vector<std::pair<std::string, std::string>> json_string_map(const Json& obj);

// Serialises `value` with two-space indentation and a trailing newline.
std::string to_pretty_json(const Json& value);

// Escapes `s` as a JSON pointer reference token (`~` -> `~0`, `/` -> `~1`).
std::string json_pointer_token(std::string_view s);

} // namespace cva
