#pragma once

#include <core/bundle/resources.hpp>
#include <core/util/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Server-side table rendering (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the
// columns and cells `kubectl get` shows against a real API server.
namespace cva::serve {

// How to render a table.
struct TableOptions
{
  // The time ages are measured against (seconds since the epoch): the bundle's collection time,
  // so AGE reads as it did when the bundle was taken.
  std::int64_t now = 0;
  // `?includeObject=`: `None`, `Metadata` (the default: PartialObjectMetadata) or `Object`.
  std::string include_object = "Metadata";
  // For custom resources: the CRD version's `additionalPrinterColumns` (null for none).
  const Json* printer_columns = nullptr;
};

// A meta.k8s.io/v1 Table of `objects` of `type` with every column (the `-o wide` ones at
// priority 1). Every built-in kind (builtin_resource_types()) gets kubectl's own columns, with
// Roles, ClusterRoles, LimitRanges and CRDs in the API server's default form (NAME, CREATED AT);
// custom resources get their CRD's printer columns, else NAME and AGE. `metadata` is left for the
// caller (resourceVersion, continue).
Json render_table(const ResourceType& type, const std::vector<const Json*>& objects,
                  const TableOptions& options);

// Renders a duration as kubectl does (`45s`, `5m30s`, `3h12m`, `2d4h`, `400d`, `2y30d`), with
// k8s.io/apimachinery's HumanDuration rules.
std::string human_duration(std::int64_t seconds);

// The age of an RFC 3339 `timestamp` at `now`, or `<unknown>` when it is absent or unreadable.
std::string age_since(std::string_view timestamp, std::int64_t now);

} // namespace cva::serve
