#pragma once

#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cva {

// Parses a (possibly multi-document) YAML stream into one JSON value per non-empty document.
// Plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers, floats); quoted
// scalars stay strings. `what` names the source in the error message.
Result<std::vector<Json>> parse_yaml_documents(std::string_view text, std::string_view what);

// Renders `value` as block-style YAML (used for `-o yaml` output).
std::string to_yaml(const Json& value);

} // namespace cva
