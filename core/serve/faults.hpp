#pragma once

#include <core/util/result.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

// Test-only fault injection for `serve`, so collection can be tested against an API server that
// refuses, fails, stalls or breaks off. Rules come from the environment variable
// CODER_CVA_SERVE_FAULTS (k_faults_env), separated by ';' or newlines; each is ACTION:PATTERN.
//
//   ACTION   a status code from 400 to 599 (`403`, `404`, `500`, `503`, ...): answer with that
//            code and a Kubernetes Status body instead of the real response;
//            `delay=MS`: wait MS milliseconds, then go on (to the real response or another rule);
//            `drop`: send the real response's headers and about half its body, then close the
//            connection, as a proxy or load balancer that dies mid-transfer would.
//            A suffix `*N` (`500*2`, `drop*1`) applies the rule to the first N matching requests
//            only, so retries can be tested.
//   PATTERN  a path prefix (`/api/v1/namespaces/kube-system/events`), or `~` followed by an RE2
//            regular expression that must match the whole path
//            (`~/api/v1/namespaces/[^/]+/pods/[^/]+/log`). The query string is not part of the
//            path.
//
// Every matching delay applies; the first matching status or drop rule decides the answer.
// Example:
//   CODER_CVA_SERVE_FAULTS='403:/api/v1/namespaces/kube-system/events;delay=2000:/apis/apps;drop*1:/api/v1/pods'
namespace cva::serve {

inline constexpr std::string_view k_faults_env = "CODER_CVA_SERVE_FAULTS";

// What the fault rules say about one request.
struct FaultDecision
{
  int delay_ms = 0;  // wait this long before answering
  int status = 0;    // answer with this code instead (0: no)
  bool drop = false; // break the connection off mid-body
  std::string rule;  // the deciding status or drop rule as written, for the request log

  bool any() const { return delay_ms > 0 || status != 0 || drop; }
};

// A parsed set of fault rules. Copies share their `*N` counters; decide() is thread-safe.
class FaultPlan
{
public:
  // Parses rules in the syntax above; an error names the offending rule.
  static Result<FaultPlan> parse(std::string_view text);

  // Parses the rules in CODER_CVA_SERVE_FAULTS (an empty plan when unset or empty); an error
  // names the variable.
  static Result<FaultPlan> from_environment();

  // The faults to apply to a request for `path` (without query), counting down `*N` rules.
  FaultDecision decide(std::string_view path) const;

  bool empty() const { return m_rules.empty(); }

private:
  struct Rule
  {
    enum class Action
    {
      status,
      delay,
      drop,
    };
    Action action = Action::status;
    int status = 0;
    int delay_ms = 0;
    std::string prefix;
    std::shared_ptr<re2::RE2> regex;
    std::shared_ptr<std::atomic<long>> remaining; // null: every request
    std::string text;
  };

  std::vector<Rule> m_rules;
};

} // namespace cva::serve
