#pragma once

#include <core/netpol/engine.hpp>
#include <core/netpol/matrix.hpp>
#include <core/netpol/query.hpp>
#include <core/util/json.hpp>

#include <optional>
#include <string>

// Text and JSON forms of the engine's answers, as `kubectl coder-cva netpol` prints them. The
// JSON field names are a versioned interface (`format_version`).
namespace cva::netpol {

inline constexpr int k_netpol_format_version = 1;

// Filters for the matrix: only connections from (to) these endpoints, and allowing this port.
struct MatrixFilter
{
  std::optional<Target> from;
  std::optional<Target> to;
  std::optional<PortQuery> port;
};

// The answer to one question: the verdict, then every leg with its reasons.
std::string answer_text(const Target& from, const Target& to, const std::optional<PortQuery>& port,
                        const Answer& answer);
Json answer_json(const Target& from, const Target& to, const std::optional<PortQuery>& port, const Answer& answer);

// Every allowed connection: classes of pods, then pod-to-pod, pod-to-address and
// address-to-pod connections with their ports ("all" where unrestricted).
std::string matrix_text(const Engine& engine, const Matrix& matrix, const MatrixFilter& filter);
Json matrix_json(const Engine& engine, const Matrix& matrix, const MatrixFilter& filter);

} // namespace cva::netpol
