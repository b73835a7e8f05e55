#pragma once

#include <stdexcept>
#include <string>

namespace cva {

// An unrecoverable user-facing error (bad flags, unreadable input, output not writable). Thrown
// anywhere; only the command-line entry point catches it, prints `kubectl-coder_cva: error:
// <message>` and exits with `exit_code`.
class Fatal : public std::runtime_error
{
public:
  explicit Fatal(const std::string& message, int exit_code = 1)
    : std::runtime_error(message), m_exit_code(exit_code)
  {
  }
  int exit_code() const { return m_exit_code; }

private:
  int m_exit_code;
};

// Exit codes: the documented contract for scripts and CI.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_runtime_error = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_findings = 3;
inline constexpr int k_exit_incomplete = 4;

} // namespace cva
