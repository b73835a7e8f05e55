#pragma once

#include <core/bundle/resources.hpp>
#include <core/util/json.hpp>

#include <optional>
#include <string_view>
#include <vector>

// Discovery documents for a read-only API server: what kubectl reads to learn which kinds exist
// (`kubectl api-resources`, resolving `kubectl get po`). Every served kind answers get, list and
// watch; nothing else.
namespace cva::serve {

// The verbs every served kind supports.
const std::vector<std::string>& read_only_verbs();

// `/api`: the core group's versions (APIVersions).
Json core_versions();

// `/apis`: every non-core group of `types` (APIGroupList), groups sorted by name.
Json group_list(const std::vector<ResourceType>& types);

// `/apis/<group>`: one group (APIGroup), or nullopt when no type is in it.
std::optional<Json> group(const std::vector<ResourceType>& types, std::string_view group);

// `/api/v1` or `/apis/<group>/<version>`: the kinds of one group version (APIResourceList), with
// `pods/log` and `*/status` subresources; nullopt when no type is in it.
std::optional<Json> resource_list(const std::vector<ResourceType>& types, std::string_view group,
                                  std::string_view version);

// The aggregated discovery document (APIGroupDiscoveryList of apidiscovery.k8s.io `version`, v2
// or v2beta1, which share a shape) kubectl asks for first: the core group alone when `core`,
// every other group otherwise.
Json aggregated(const std::vector<ResourceType>& types, bool core, std::string_view version = "v2");

// The content type of an aggregated() document of `version`.
std::string aggregated_content_type(std::string_view version);

} // namespace cva::serve
