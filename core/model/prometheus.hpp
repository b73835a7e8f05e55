#pragma once

#include <core/model/labels.hpp>
#include <core/util/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cva {

// One sample of the Prometheus text exposition format: `name{labels} value [timestamp]`.
struct MetricSample
{
  std::string name;
  StringMap labels;
  double value = 0;
};

// Parses Prometheus text exposition (what coderd serves on :2112 and what `coder support bundle`
// saves as deployment/prometheus.txt). Comments and blank lines are skipped; label values may use
// the `\\`, `\"` and `\n` escapes; values may be `NaN`, `+Inf` or `-Inf`. A malformed line is an
// error naming `what` and the line number.
Result<std::vector<MetricSample>> parse_prometheus_text(std::string_view text, std::string_view what);

// The sum of the samples named `name` whose labels include every pair of `match`; nullopt when no
// sample matches.
std::optional<double> metric_sum(const std::vector<MetricSample>& samples, std::string_view name,
                                 const StringMap& match = {});

} // namespace cva
