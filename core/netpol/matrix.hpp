#pragma once

#include <core/netpol/engine.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace cva::netpol {

// Pods the policies cannot tell apart: same namespace, same answers from every policy selector
// and peer that can reach them (so, in effect, the same namespace labels and pod labels as far as
// any policy reads them), the same ipBlock matches, the same named ports, the same hostNetwork.
struct PodClass
{
  std::size_t id = 0;
  std::string namespace_;
  std::vector<std::size_t> members; // indices into Engine::endpoints()
  bool host_network = false;
  std::vector<const Policy*> ingress_policies; // isolating the class for ingress
  std::vector<const Policy*> egress_policies;  // and for egress
  std::vector<std::string> doubts;             // peers that could not be decided for the class
};

// Allowed traffic from one class to another (never empty).
struct ClassConnection
{
  std::size_t from = 0;
  std::size_t to = 0;
  PortSet ports;
};

// Allowed traffic between a class and addresses.
struct AddressConnection
{
  std::size_t pod_class = 0;
  AddressSet addresses;
  PortSet ports;
};

// The whole reachability matrix, computed once per pair of classes: its cost grows with the
// number of distinct classes, not with the square of the number of pods.
struct Matrix
{
  std::vector<PodClass> classes;
  std::vector<std::size_t> class_of;         // endpoint index -> class id
  std::vector<ClassConnection> connections;  // sorted by (from, to)
  std::vector<AddressConnection> egress;     // class -> addresses, by class
  std::vector<AddressConnection> ingress;    // addresses -> class, by class

  // The ports allowed from class `from` to class `to` (none when there is no connection).
  PortSet ports(std::size_t from, std::size_t to) const;
};

// Groups the engine's endpoints into classes and computes every connection.
Matrix compute_matrix(const Engine& engine);

} // namespace cva::netpol
