#pragma once

#include <core/bundle/bundle.hpp>
#include <core/util/json.hpp>
#include <core/util/result.hpp>

#include <string>
#include <vector>

namespace cva {

// A parsed manifest document with where it came from.
struct ManifestObject
{
  Json object;
  std::string source; // "file.yaml#3"
};

// Parses YAML or JSON text holding one or more documents, expanding `List` kinds. `what` names
// the source in errors and in each object's `source`.
Result<std::vector<ManifestObject>> parse_manifest_text(std::string_view text, std::string_view what);

// Files the project sees as manifests: *.yaml, *.yml, *.json.
bool is_manifest_file_name(std::string_view name);

// Lays `objects` out in the bundle layout (`cluster-resources/<kind>[/<ns>].json`, custom
// resources under `custom-resources/`), then synthesizes the pods a planned install would run:
// Deployment and ReplicaSet replicas, StatefulSet ordinals, a DaemonSet pod per node in the
// input, and a Job's parallelism, for each workload no input pod belongs to. Synthesized pods
// are Pending, carry the annotation `coder-cva.coder.com/synthesized-from: <Kind>/<name>`, and
// the manifest records pod coverage as synthesized. Objects without a namespace get
// `default_namespace`.
struct ManifestLayoutOptions
{
  std::string default_namespace = "default";
  bool synthesize_pods = true;
  // Annotate each object with `coder-cva.coder.com/source: <file>#<document>` for evidence.
  bool annotate_source = true;
};
Result<Bundle> manifests_to_bundle(const std::vector<ManifestObject>& objects,
                                   const ManifestLayoutOptions& options = {});

} // namespace cva
