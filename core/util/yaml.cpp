#include "yaml.hpp"

#include <fmt/format.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

namespace cva {

namespace {

const RE2 k_yaml_int(R"([-+]?(0|[1-9][0-9]*))");
const RE2 k_yaml_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");

Json scalar_to_json(const YAML::Node& node)
{
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") {
    return s; // quoted: always a string
  }
  if (node.Tag() == "tag:yaml.org,2002:str") {
    return s;
  }
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  if (RE2::FullMatch(s, k_yaml_int)) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) {
      return v;
    }
    return s;
  }
  if (RE2::FullMatch(s, k_yaml_float)) {
    return std::strtod(s.c_str(), nullptr);
  }
  return s;
}

Json node_to_json(const YAML::Node& node, int depth)
{
  if (depth > 200) {
    throw YAML::Exception(node.Mark(), "nesting deeper than 200 levels");
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& child : node) {
        arr.push_back(node_to_json(child, depth + 1));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        obj[key] = node_to_json(kv.second, depth + 1);
      }
      return obj;
    }
  }
  return nullptr;
}

// Strings that a plain scalar would turn into another type, or that hold YAML syntax, are quoted.
bool needs_quotes(const std::string& s)
{
  if (s.empty() || s.front() == ' ' || s.back() == ' ') {
    return true;
  }
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return true;
  }
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') {
    return true;
  }
  if (s.find('\n') != std::string::npos) {
    return false; // emitted as a literal block
  }
  YAML::Node probe(s);
  return !scalar_to_json(probe).is_string();
}

void emit(YAML::Emitter& out, const Json& v)
{
  if (v.is_object()) {
    if (v.empty()) {
      out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
      return;
    }
    out << YAML::BeginMap;
    for (const auto& [k, child] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, child);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    if (v.empty()) {
      out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
      return;
    }
    out << YAML::BeginSeq;
    for (const auto& child : v) {
      emit(out, child);
    }
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (needs_quotes(s)) {
      out << YAML::DoubleQuoted << s;
    } else if (s.find('\n') != std::string::npos) {
      out << YAML::Literal << s;
    } else {
      out << s;
    }
  } else if (v.is_null()) {
    out << YAML::Null;
  } else if (v.is_boolean()) {
    out << (v.get<bool>() ? "true" : "false");
  } else {
    out << v.dump();
  }
}

} // namespace

Result<std::vector<Json>> parse_yaml_documents(std::string_view text, std::string_view what)
{
  // Documents are split here and parsed one by one: yaml-cpp 0.7's LoadAll loops forever on some
  // malformed streams (a lone ","), while Load parses exactly one document and returns.
  struct Document
  {
    std::string text;
    int first_line = 0;
  };
  std::vector<Document> documents(1);
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const bool marker = line.starts_with("---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    const bool doc_end = line == "..." || line == "...\r";
    if (marker || doc_end) {
      documents.push_back(Document{{}, line_no});
      if (marker && line.size() > 4) {
        documents.back().text = std::string(line.substr(4));
        documents.back().text += '\n';
      }
      continue;
    }
    documents.back().text.append(line);
    documents.back().text += '\n';
  }
  std::vector<Json> out;
  for (const Document& doc : documents) {
    if (doc.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      continue;
    }
    try {
      Json j = node_to_json(YAML::Load(doc.text), 0);
      if (!j.is_null()) {
        out.push_back(std::move(j));
      }
    } catch (const YAML::Exception& e) {
      return fail(fmt::format("{}: invalid YAML at line {}: {}", what, doc.first_line + e.mark.line + 1, e.msg));
    }
  }
  return out;
}

std::string to_yaml(const Json& value)
{
  YAML::Emitter out;
  emit(out, value);
  std::string s = out.c_str();
  s += '\n';
  return s;
}

} // namespace cva
