#pragma once

// Small YAML building blocks shared by the tests of the first checks.
namespace cva::test::fixtures {

inline std::string coder_deployment(int replicas)
{
  return R"(
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: coder, namespace: coder}
  spec:
    replicas: )" + std::to_string(replicas) + R"(
    selector: {matchLabels: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}}
    template:
      metadata: {labels: {app.kubernetes.io/name: coder, app.kubernetes.io/instance: coder}}
      spec: {containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [server]}]}
)";
}

// A coderd pod on `node`, with extra YAML appended to its spec (indented 4 spaces).
inline std::string coderd_pod(const std::string& name, const std::string& node, const std::string& extra_spec = {},
                              const std::string& annotations = "{}")
{
  return R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: )" + name + R"(, namespace: coder, labels: {app.kubernetes.io/name: coder}, annotations: )" +
         annotations + R"(}
  spec:
    nodeName: )" + node + R"(
    containers: [{name: coder, image: "ghcr.io/coder/coder:v2.18.5", args: [server]}]
)" + extra_spec + R"(
  status: {phase: Running, containerStatuses: [{name: coder, ready: true, restartCount: 0}]}
)";
}

inline std::string workspace_pod(const std::string& name, const std::string& node, const std::string& volumes)
{
  return R"(
- apiVersion: v1
  kind: Pod
  metadata: {name: )" + name + R"(, namespace: ws, labels: {com.coder.workspace.id: )" + name + R"(}}
  spec:
    nodeName: )" + node + R"(
    containers: [{name: dev, image: ubuntu, volumeMounts: [{name: home, mountPath: /home/coder}]}]
    volumes: )" + volumes + R"(
  status: {phase: Running}
)";
}

} // namespace cva::test::fixtures
