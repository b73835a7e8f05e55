#pragma once

#include <string_view>

// Every well-known path of the bundle layout (docs/bundle-format.md). The layout is a superset of
// troubleshoot.sh's, so its tools read our archives and we read theirs.
namespace cva::paths {

inline constexpr std::string_view k_version_yaml = "version.yaml";
inline constexpr std::string_view k_cluster_version = "cluster-info/cluster_version.json";
inline constexpr std::string_view k_cluster_resources = "cluster-resources";
inline constexpr std::string_view k_custom_resources = "cluster-resources/custom-resources";
inline constexpr std::string_view k_pod_logs = "cluster-resources/pods/logs";
inline constexpr std::string_view k_analysis = "analysis.json";
inline constexpr std::string_view k_manifest = "coder-cva/manifest.json";
inline constexpr std::string_view k_report = "coder-cva/report.json";
inline constexpr std::string_view k_coder_api = "coder/api";
inline constexpr std::string_view k_coder_metrics = "coder/metrics";
inline constexpr std::string_view k_coder_support = "coder/support-bundle";

// Suffix of troubleshoot-style error files beside a kind's data.
inline constexpr std::string_view k_errors_suffix = "-errors.json";

} // namespace cva::paths
