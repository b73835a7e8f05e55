#pragma once

#include <core/bundle/resources.hpp>
#include <core/model/snapshot.hpp>
#include <core/serve/query.hpp>
#include <core/util/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A read-only Kubernetes API over a bundle, independent of the transport: requests in, responses
// out. server.hpp puts it on HTTP.
namespace cva::serve {

// One API request: the method, the decoded path (no query), the decoded query parameters and the
// Accept header.
struct ApiRequest
{
  std::string method = "GET";
  std::string path;
  std::multimap<std::string, std::string> params;
  std::string accept;
  std::string body;                // POST bodies: only access reviews read it
  std::string content_type;        // of `body`
  std::string coder_session_token; // the Coder-Session-Token header, for proxied Coder endpoints

  // The first value of query parameter `key`, or "".
  std::string param(std::string_view key) const;
  bool has_param(std::string_view key) const { return params.find(std::string(key)) != params.end(); }
};

// One API response. `stream` marks a watch: `body` holds newline-separated watch events, sent
// chunked, after which the server closes the stream.
struct ApiResponse
{
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> warnings; // sent as `Warning: 299 - "..."` headers; kubectl prints them
  bool stream = false;
  std::string note; // extra words for the request log
};

// Serves the cluster state of a snapshot as the API server the customer's kubectl saw:
// discovery for every kind the bundle holds (built-ins and custom resources), get and list with
// label and field selectors, pagination, Table and PartialObjectMetadata views, watch (current
// state, then the stream closes), pod logs, and `/version`. Write verbs answer 405, except the
// two self-access reviews (`kubectl auth can-i`), which change nothing and are answered for a
// read-only viewer: get, list and watch of served kinds are allowed, anything else is not.
// `/openapi/*` answers 501 with a plain-text reason kubectl shows (explain, validation). Kinds or
// namespaces the bundle records as refused answer with the recorded error (403 for forbidden),
// so kubectl shows what the customer saw; kinds the bundle never collected list as empty with a
// warning saying so. Ages in tables are relative to the collection time. Thread-safe: handle()
// only reads.
class ApiServer
{
public:
  // Indexes `snapshot`, which must outlive the server.
  explicit ApiServer(const Snapshot& snapshot);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Answers one request.
  ApiResponse handle(const ApiRequest& request) const;

  // The time ages are measured against: the collection time, or the time the server started
  // when the bundle does not say when it was taken.
  std::int64_t reference_time() const { return m_now; }
  bool collection_time_known() const { return m_collection_time_known; }

  // The resource version of every list and object without one of its own.
  const std::string& resource_version() const { return m_resource_version; }

  // The kinds the server offers, in discovery order.
  const std::vector<ResourceType>& types() const { return m_types; }

private:
  struct Served
  {
    ResourceType type;
    const Coverage* coverage = nullptr; // the snapshot's, which knows synthesized pods
    std::vector<ListEntry> entries;     // sorted by `<namespace>/<name>`
    const Json* printer_columns = nullptr;
  };
  struct Target;

  ApiResponse route(const ApiRequest& request) const;
  ApiResponse serve_resource(const ApiRequest& request, const Target& target) const;
  ApiResponse serve_list(const ApiRequest& request, const Target& target) const;
  ApiResponse serve_watch(const ApiRequest& request, const Target& target, const Page& page) const;
  ApiResponse serve_object(const ApiRequest& request, const Target& target) const;
  ApiResponse serve_log(const ApiRequest& request, const Target& target, const Json& pod) const;
  ApiResponse serve_version() const;
  ApiResponse serve_access_review(const ApiRequest& request, bool rules) const;
  const Served* find_type(std::string_view group, std::string_view version, std::string_view plural) const;
  const Json* find_object(const Served& served, std::string_view ns, std::string_view name) const;
  Json served_object(const Served& served, const Json& object) const;

  const Snapshot& m_snapshot;
  std::vector<Served> m_served;
  std::vector<ResourceType> m_types;
  std::int64_t m_now = 0;
  bool m_collection_time_known = false;
  std::string m_resource_version;
};

// A Kubernetes Status object: `status: Failure`, with `code`, `reason` and `message`.
Json status_object(int code, std::string_view reason, std::string_view message,
                   const Json& details = Json::object());

} // namespace cva::serve
