#pragma once

#include <core/model/snapshot.hpp>
#include <core/serve/api.hpp>

#include <optional>
#include <string_view>

namespace cva::serve {

// Answers the API server's proxy subresources the way the customer's Coder did, from the
// bundle's own Coder data, so `collect` can be run (and tested) against `serve`:
// - `/api/v1/namespaces/<ns>/services/[<scheme>:]<svc>[:<port>]/proxy/api/v2/...` for a Service
//   in front of coderd pods: build info without a token; deployment config, health report and
//   settings, entitlements, stats and user count with a `Coder-Session-Token` header (401
//   without one, as Coder answers), from `coder/api/` or an unpacked support bundle;
// - `/api/v1/namespaces/<ns>/pods/<pod>:2112/proxy/...` for a coderd or provisioner pod: the
//   Prometheus text the bundle holds for it (`coder/metrics/<pod>.prom`).
// Any other proxy target answers 503, as a real API server does when the backend does not
// answer. nullopt when `request` is not a proxy request.
std::optional<ApiResponse> serve_coder_proxy(const Snapshot& snapshot, const ApiRequest& request);

} // namespace cva::serve
