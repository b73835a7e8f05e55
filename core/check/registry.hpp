#pragma once

#include <core/check/finding.hpp>

#include <span>
#include <string_view>
#include <vector>

namespace cva {

class Snapshot;
struct AnalysisOptions;

// The areas of the validated architecture, in report order.
inline constexpr std::string_view k_areas[] = {
  "compute", "provisioners", "workspaces", "storage", "network", "database", "observability", "sizing", "health",
};

// Coder's documentation root; doc_url values are absolute links under it.
inline constexpr std::string_view k_doc_base = "https://coder.com/docs";

// A check's registration: its stable identity, what it reads and how to fix what it finds. The
// runner copies these fields into the report; the analyzer itself only emits findings.
struct CheckInfo
{
  std::string_view id{};          // stable kebab-case; never renamed once released
  std::string_view area{};        // one of k_areas
  std::string_view title{};       // one line, sentence case; may change
  std::string_view description{}; // what it flags and why it matters
  Outcome severity = Outcome::warn; // the outcome of a violation, before user overrides
  // Inputs the check cannot run without (coverage keys: `pods`, `nodes`, `coder/health`, ...).
  // When one is absent, forbidden or failed the check is `unknown` without running; when one is
  // partial its `pass` becomes `unknown`.
  std::vector<std::string_view> inputs{};
  std::string_view remediation{};
  std::string_view doc_url{}; // the matching page of Coder's documentation
  std::vector<Finding> (*run)(const Snapshot& snapshot, const AnalysisOptions& options) = nullptr;
};

// Adds `info` to the process-wide table. Called during static initialisation by
// CVA_REGISTER_CHECK; aborts on a duplicate or malformed id, an unknown area, or a missing field.
bool register_check(CheckInfo info);

// All registered checks, sorted by area order, then id.
std::span<const CheckInfo> checks();

// The check with `id`, or nullptr.
const CheckInfo* find_check(std::string_view id);

// True when `id` is lowercase kebab-case (`coderd-replicas`).
bool is_valid_check_id(std::string_view id);

} // namespace cva

#define CVA_REGISTER_CHECK(...)                                                                    \
  [[maybe_unused]] static const bool cva_registered_check_ =                                       \
    ::cva::register_check(::cva::CheckInfo __VA_ARGS__)
