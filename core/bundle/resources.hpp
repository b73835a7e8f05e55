#pragma once

#include <core/bundle/bundle.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// What the API calls a resource: the identity of one kind, and where the bundle keeps it.
struct ResourceType
{
  std::string kind;
  std::string plural;
  std::string group; // empty for the core group
  std::string version;
  bool namespaced = true;
  // The bundle name: `cluster-resources/<name>.json` (cluster-scoped) or
  // `cluster-resources/<name>/<ns>.json` (namespaced). For custom resources it is
  // `custom-resources/<plural>.<group>`.
  std::string bundle_name;
  std::vector<std::string> short_names;

  // `group/version`, or `version` for the core group.
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // `plural.group`, or `plural` for the core group.
  std::string qualified_name() const { return group.empty() ? plural : plural + "." + group; }
  bool is_custom() const { return bundle_name.starts_with("custom-resources/"); }
};

// The built-in kinds this project reads and collects, in a stable order.
const std::vector<ResourceType>& builtin_resource_types();

// The built-in type with `plural` in `group`, or nullptr.
const ResourceType* find_builtin_type(std::string_view plural, std::string_view group);

// The built-in type of `kind` (case-sensitive) in `group`, or nullptr.
const ResourceType* find_builtin_kind(std::string_view kind, std::string_view group);

// How completely one input was collected. `partial` means some namespaces were refused.
enum class CoverageState
{
  collected,
  partial,
  forbidden,
  failed,
  absent,
};

std::string_view to_string(CoverageState state);

// The coverage of one input: what was collected, what was refused and why. Analyzers turn
// anything but `collected` into `unknown` rather than `pass`.
struct Coverage
{
  CoverageState state = CoverageState::absent;
  std::string message;                        // why, when not collected
  std::map<std::string, std::string> refused; // namespace (or "" for the whole kind) -> error
  std::vector<std::string> paths;             // bundle files that held the data
  bool synthesized = false;                   // built from workload templates, not observed

  bool usable() const
  {
    return state == CoverageState::collected || state == CoverageState::partial;
  }
};

// One object as stored in the bundle: the parsed JSON and where it came from.
struct StoredObject
{
  const Json* object = nullptr;
  const std::string* path = nullptr; // bundle path of the file
  std::size_t index = 0;             // position in the file's items

  // JSON pointer of the object in its file (`/items/3`, or `/3` for bare arrays).
  std::string pointer() const;
};

// Every object of one resource type found in a bundle, with its coverage.
struct ResourceData
{
  ResourceType type;
  std::vector<StoredObject> objects;
  Coverage coverage;
};

// The bundle's cluster state as generic objects per resource type: what `serve` exposes and what
// the typed Snapshot is built from. Owns the parsed documents; pointers stay valid for its life.
class ResourceStore
{
public:
  ResourceStore() = default;
  ResourceStore(const ResourceStore&) = delete;
  ResourceStore& operator=(const ResourceStore&) = delete;

  // Parses the `cluster-resources/` tree (and custom resources) of `bundle`, with error files
  // turned into coverage. The store keeps a pointer to `bundle`, which must outlive it. A file
  // that is not valid JSON is an error naming it.
  static Result<std::unique_ptr<ResourceStore>> load(const Bundle& bundle);

  // The data of `plural` in `group`, or nullptr when the bundle knows nothing of that type.
  const ResourceData* find(std::string_view plural, std::string_view group) const;
  // The data for a built-in type; a type with no data yields a static absent entry.
  const ResourceData& get(std::string_view plural, std::string_view group = {}) const;

  // Every type with data or coverage, built-ins first in builtin_resource_types() order, then
  // custom resources sorted by name.
  const std::deque<ResourceData>& all() const { return m_data; }

  const Bundle& bundle() const { return *m_bundle; }

private:
  ResourceData& entry(const ResourceType& type);
  Result<void> load_file(ResourceData& data, const std::string& path);

  const Bundle* m_bundle = nullptr;
  std::deque<ResourceData> m_data;
  std::deque<Json> m_documents;
  std::map<std::string, std::size_t, std::less<>> m_index; // qualified name -> m_data index
};

} // namespace cva
