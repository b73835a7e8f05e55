#pragma once

#include <core/collect/context.hpp>
#include <core/util/json.hpp>

#include <string>
#include <vector>

namespace cva {

// How to list one kind.
struct ListSpec
{
  std::string group;   // "" for core
  std::string version; // v1
  std::string plural;
  std::string kind;    // for items of metadata-only lists
  bool namespaced = true;
  std::string bundle_name;     // cluster-resources/<bundle_name>[/<ns>].json
  bool metadata_only = false;  // ask for PartialObjectMetadataList: values never requested
};

// The API path of a list: `/api/v1/pods`, `/apis/apps/v1/namespaces/coder/deployments`.
std::string list_path(const ListSpec& spec, const std::string& namespace_ = {});

// What listing produced.
struct ListOutcome
{
  std::size_t objects = 0;
  std::vector<std::string> names; // metadata.name of every object listed
  std::size_t refused_namespaces = 0;
  bool refused = false; // nothing could be listed
};

// Lists `spec` cluster-wide (or in each of `namespaces` when that is refused), 500 objects a page
// with `continue`, writes one List per namespace (every one of `namespaces`, empty lists included,
// and any other namespace an object is in; one file for cluster-scoped kinds) through the
// context (redacted), and records every refusal or failure per namespace. Metadata-only items are
// written back as objects of `spec.kind` holding only metadata. Secrets' data, should a server send
// it anyway, is dropped before anything else sees it.
ListOutcome collect_list(CollectContext& context, const ListSpec& spec, const std::vector<std::string>& namespaces);

// Lists `spec` in namespace `namespace_` only (replacing that namespace's file), recording a
// refusal for that namespace. Returns the number of objects, or -1 when refused.
long collect_namespace_list(CollectContext& context, const ListSpec& spec, const std::string& namespace_);

// Lists every page of one path; an error response ends it. Items are appended to `items`.
HttpResponse list_pages(CollectContext& context, const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers,
                        Json& items, std::string& resource_version);

} // namespace cva
