#pragma once

#include <core/model/snapshot.hpp>

#include <string>

namespace cva {

// Decides the Coder role of a pod spec with its metadata, by the rules of
// reference/coder-cva.md section 7, strongest evidence first. Sets `reason` to the evidence.
CoderRole identify_role(const ObjectMeta& meta, const PodSpec& spec, std::string& reason);

// Fills `snapshot.coder`: roles of pods and workloads, control-plane and workspace namespaces.
void identify_coder(Snapshot& snapshot);

// Fills node group, provider, zone and autoscaling facts from node labels, the Cluster
// Autoscaler status ConfigMap and Karpenter NodePools.
void classify_node_groups(Snapshot& snapshot);

} // namespace cva
