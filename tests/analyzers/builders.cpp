#include "builders.hpp"

namespace cva::test {

std::string list(std::initializer_list<Json> items)
{
  return Json(items).dump();
}

Json with(Json object, std::string_view pointer, Json value)
{
  object[Json::json_pointer(std::string(pointer))] = std::move(value);
  return object;
}

Json node(std::string_view name, std::string_view zone, std::string_view group)
{
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", name},
            {"labels",
             {{"kubernetes.io/hostname", name},
              {"topology.kubernetes.io/zone", zone},
              {"eks.amazonaws.com/nodegroup", group}}}}},
          {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

Json coderd_container(Json env, std::string_view image)
{
  return {{"name", "coder"}, {"image", image}, {"command", {"/opt/coder"}}, {"args", {"server"}}, {"env", std::move(env)}};
}

Json coderd_pod(std::string_view name, std::string_view node_name, Json env)
{
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "coder"},
            {"labels", {{"app.kubernetes.io/name", "coder"}, {"app.kubernetes.io/instance", "coder"}}},
            {"ownerReferences", Json::array({{{"kind", "ReplicaSet"}, {"name", "coder-5d8f7"}, {"controller", true}}})}}},
          {"spec", {{"nodeName", node_name}, {"containers", Json::array({coderd_container(std::move(env))})}}},
          {"status",
           {{"phase", "Running"},
            {"containerStatuses", Json::array({{{"name", "coder"}, {"ready", true}, {"restartCount", 0},
                                                 {"state", {{"running", Json::object()}}}}})}}}};
}

Json coderd_deployment(int replicas, Json env)
{
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "coder"}, {"namespace", "coder"}, {"labels", {{"app.kubernetes.io/name", "coder"}}}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app.kubernetes.io/name", "coder"}, {"app.kubernetes.io/instance", "coder"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app.kubernetes.io/name", "coder"}, {"app.kubernetes.io/instance", "coder"}}}}},
              {"spec", {{"containers", Json::array({coderd_container(std::move(env))})}}}}}}}};
}

Json provisioner_pod(std::string_view name, std::string_view node_name, std::string_view image)
{
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "coder"},
            {"labels", {{"app.kubernetes.io/name", "coder-provisioner"}, {"app.kubernetes.io/instance", "coder-provisioner"}}}}},
          {"spec",
           {{"nodeName", node_name},
            {"containers", Json::array({{{"name", "coder"}, {"image", image}, {"args", {"provisionerd", "start"}}}})}}},
          {"status",
           {{"phase", "Running"},
            {"containerStatuses", Json::array({{{"name", "coder"}, {"ready", true}, {"restartCount", 0},
                                                 {"state", {{"running", Json::object()}}}}})}}}};
}

Json workspace_pod(std::string_view name, std::string_view node_name, Json volumes)
{
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "coder-workspaces"},
            {"labels", {{"app.kubernetes.io/name", "coder-workspace"}, {"com.coder.workspace.id", name}}}}},
          {"spec",
           {{"nodeName", node_name},
            {"containers", Json::array({{{"name", "dev"}, {"image", "codercom/enterprise-base:ubuntu"}}})},
            {"volumes", std::move(volumes)}}},
          {"status",
           {{"phase", "Running"},
            {"containerStatuses", Json::array({{{"name", "dev"}, {"ready", true}, {"restartCount", 0},
                                                 {"state", {{"running", Json::object()}}}}})}}}};
}

Json pvc(std::string_view ns, std::string_view name, Json storage_class, std::string_view phase, Json labels)
{
  Json spec = {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "10Gi"}}}}}};
  if (!storage_class.is_null()) {
    spec["storageClassName"] = std::move(storage_class);
  }
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}}},
          {"spec", std::move(spec)},
          {"status", {{"phase", phase}}}};
}

Json storage_class(std::string_view name, std::string_view provisioner, bool is_default, std::string_view binding)
{
  Json sc = {{"apiVersion", "storage.k8s.io/v1"},
             {"kind", "StorageClass"},
             {"metadata", {{"name", name}}},
             {"provisioner", provisioner},
             {"volumeBindingMode", binding}};
  if (is_default) {
    sc["metadata"]["annotations"] = {{"storageclass.kubernetes.io/is-default-class", "true"}};
  }
  return sc;
}

Json env(std::string_view name, std::string_view value)
{
  return {{"name", name}, {"value", value}};
}

Json secret_env(std::string_view name, std::string_view secret, std::string_view key)
{
  return {{"name", name}, {"valueFrom", {{"secretKeyRef", {{"name", secret}, {"key", key}}}}}};
}

} // namespace cva::test
