#pragma once

#include <core/util/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace cva {

// Output of a finished child process.
struct ProcessResult
{
  int exit_code = -1; // 128 + signal when killed
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs `argv` (argv[0] looked up on PATH) to completion with stdin closed, capturing stdout and
// stderr, and kills it after `timeout`. An error only when it cannot be started (the message names
// the program).
Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// True when `program` can be found on PATH (or is a path to an executable).
bool program_exists(const std::string& program);

} // namespace cva
