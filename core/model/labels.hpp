#pragma once

#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

using StringMap = std::map<std::string, std::string, std::less<>>;

// Builds a StringMap from a JSON object of strings (labels, annotations, nodeSelector).
StringMap to_string_map(const Json& obj);

// One requirement of a label selector.
struct LabelRequirement
{
  enum class Op
  {
    equals,
    not_equals,
    in,
    not_in,
    exists,
    does_not_exist,
  };
  std::string key;
  Op op = Op::exists;
  std::vector<std::string> values;

  // True when `labels` satisfy this requirement. `!=` and `notin` also match a missing key, as
  // in Kubernetes.
  bool matches(const StringMap& labels) const;
};

// A Kubernetes label selector, in either of its two forms, with the API server's semantics: all
// requirements must hold; an empty selector matches everything. A selector built by `nothing()`
// matches no object (what a null selector means in most places that take one).
class LabelSelector
{
public:
  // Parses the string form used by `?labelSelector=` and `kubectl -l`: comma-separated
  // `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k` and `!k`. An error names the
  // offending text.
  static Result<LabelSelector> parse(std::string_view text);

  // Builds a selector from a `metav1.LabelSelector` JSON object (`matchLabels` and
  // `matchExpressions` with In, NotIn, Exists, DoesNotExist). A null `obj` gives `nothing()`; an
  // empty object gives `everything()`. Unknown operators are an error.
  static Result<LabelSelector> from_json(const Json& obj);

  // Builds a selector from a plain map (Service and ReplicationController selectors).
  static LabelSelector from_map(const StringMap& match_labels);

  static LabelSelector everything() { return {}; }
  static LabelSelector nothing();

  bool matches(const StringMap& labels) const;
  bool matches_everything() const { return !m_nothing && m_requirements.empty(); }
  bool matches_nothing() const { return m_nothing; }
  const std::vector<LabelRequirement>& requirements() const { return m_requirements; }

  // The canonical string form (`a=b,c in (d,e)`); `<none>` for nothing.
  std::string to_string() const;

  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;

private:
  std::vector<LabelRequirement> m_requirements;
  bool m_nothing = false;
};

bool operator==(const LabelRequirement& a, const LabelRequirement& b);

} // namespace cva
