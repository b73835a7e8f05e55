#pragma once

#include <core/util/json.hpp>

#include <string>
#include <string_view>

// Builders of small Kubernetes objects for analyzer tests, so each case states only what differs.
namespace cva::test {

// A JSON array of `items`, as text for snapshot_from.
std::string list(std::initializer_list<Json> items);

// Sets `value` at JSON pointer `pointer` (creating parents) and returns `object`.
Json with(Json object, std::string_view pointer, Json value);

// A node in `zone` and node group `group` (label eks.amazonaws.com/nodegroup), Ready.
Json node(std::string_view name, std::string_view zone = "us-east-1a", std::string_view group = "workers");

// The coderd container as the Helm chart renders it, with `env` (an array of EnvVar objects).
Json coderd_container(Json env = Json::array(), std::string_view image = "ghcr.io/coder/coder:v2.18.5");

// A running, ready coderd pod on `node_name` in namespace coder, owned by Deployment coder.
Json coderd_pod(std::string_view name, std::string_view node_name, Json env = Json::array());

// The coderd Deployment (namespace coder) with `replicas` and its pod template's coderd container.
Json coderd_deployment(int replicas = 3, Json env = Json::array());

// A running external provisioner pod (chart coder-provisioner).
Json provisioner_pod(std::string_view name, std::string_view node_name,
                     std::string_view image = "ghcr.io/coder/coder:v2.18.5");

// A running workspace pod in namespace coder-workspaces with `volumes`.
Json workspace_pod(std::string_view name, std::string_view node_name, Json volumes = Json::array());

// A PersistentVolumeClaim; `storage_class` null leaves storageClassName out.
Json pvc(std::string_view ns, std::string_view name, Json storage_class, std::string_view phase = "Bound",
         Json labels = Json::object());

// A StorageClass.
Json storage_class(std::string_view name, std::string_view provisioner, bool is_default = false,
                   std::string_view binding = "WaitForFirstConsumer");

// An env var with a literal value, and one from a Secret.
Json env(std::string_view name, std::string_view value);
Json secret_env(std::string_view name, std::string_view secret, std::string_view key);

} // namespace cva::test
