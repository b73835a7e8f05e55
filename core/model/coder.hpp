#pragma once

#include <core/model/snapshot.hpp>

#include <string>

namespace cva {

// Decides the Coder role of a pod spec with its metadata, by the rules of
// reference/coder-cva.md section 7, strongest evidence first. Sets `reason` to the evidence.
CoderRole identify_role(const ObjectMeta& meta, const PodSpec& spec, std::string& reason);

// True when `container` runs a PostgreSQL server image (postgres, postgis, CloudNativePG, Crunchy,
// Spilo, TimescaleDB), as opposed to a sidecar or exporter beside it.
bool is_postgres_container(const Container& container);

// Fills `snapshot.coder`: roles of pods and workloads, control-plane and workspace namespaces.
void identify_coder(Snapshot& snapshot);

// Fills node group, provider, zone and autoscaling facts from node labels, the Cluster
// Autoscaler status ConfigMap and Karpenter NodePools.
void classify_node_groups(Snapshot& snapshot);

} // namespace cva
