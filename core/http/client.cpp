#include "client.hpp"

#include <fmt/format.h>

namespace cva::http {

namespace {

constexpr std::size_t k_max_response_head = 1 << 20;

// Sets `name` to `value`, replacing an earlier field of that name.
void put_header(Headers& headers, const std::string& name, const std::string& value)
{
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

} // namespace

std::string Endpoint::describe() const
{
  if (!socket_path.empty()) {
    return socket_path;
  }
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

Client::Client(Endpoint endpoint, ClientOptions options) : m_endpoint(std::move(endpoint)), m_options(std::move(options))
{
}

Client::~Client() = default;

Result<std::unique_ptr<Stream>> Client::connect() const
{
  auto socket = m_endpoint.socket_path.empty() ? connect_tcp(m_endpoint.host, m_endpoint.port, m_options.timeout)
                                                : connect_unix(m_endpoint.socket_path, m_options.timeout);
  if (!socket) {
    return Unexpected{socket.error()};
  }
  {
    const std::lock_guard lock(m_mutex);
    ++m_opened;
  }
  return std::make_unique<Stream>(std::move(*socket), m_endpoint.describe(), m_options.timeout);
}

std::unique_ptr<Stream> Client::take_idle() const
{
  const std::lock_guard lock(m_mutex);
  while (!m_idle.empty()) {
    std::unique_ptr<Stream> stream = std::move(m_idle.back());
    m_idle.pop_back();
    if (stream->reusable()) {
      return stream;
    }
  }
  return nullptr;
}

void Client::give_back(std::unique_ptr<Stream> stream) const
{
  const std::lock_guard lock(m_mutex);
  if (m_idle.size() < m_options.max_idle_connections) {
    m_idle.push_back(std::move(stream));
  }
}

std::size_t Client::idle_connections() const
{
  const std::lock_guard lock(m_mutex);
  return m_idle.size();
}

std::size_t Client::connections_opened() const
{
  const std::lock_guard lock(m_mutex);
  return m_opened;
}

Result<ClientResponse> Client::exchange(Stream& stream, const std::string& request, bool& reusable,
                                        bool& nothing_received) const
{
  const std::size_t start = stream.received();
  nothing_received = false;
  if (auto sent = stream.write_all(request); !sent) {
    nothing_received = stream.received() == start;
    return Unexpected{sent.error()};
  }
  ClientResponse out;
  ResponseHead head;
  for (int informational = 0;; ++informational) {
    if (informational > 8) {
      return fail(fmt::format("{}: more than 8 informational (1xx) responses", stream.peer()));
    }
    auto text = stream.read_head(k_max_response_head, "the response head");
    if (!text) {
      nothing_received = stream.received() == start && stream.last_failure() == IoFailure::closed;
      return Unexpected{text.error()};
    }
    auto parsed = parse_response_head(*text);
    if (!parsed) {
      return fail(fmt::format("{}: {}", stream.peer(), parsed.error().message));
    }
    head = std::move(*parsed);
    if (head.status >= 200 || head.status == 101) {
      break;
    }
  }
  auto framing = response_framing("GET", head.status, head.headers);
  if (!framing) {
    return fail(fmt::format("{}: {}", stream.peer(), framing.error().message));
  }
  CVA_TRY(read_body(stream, *framing, m_options.max_body_bytes, out.body));
  const bool keep_alive = head.minor_version >= 1 ? !header_has_token(head.headers, "Connection", "close")
                                                  : header_has_token(head.headers, "Connection", "keep-alive");
  reusable = keep_alive && framing->kind != BodyFraming::Kind::until_close && head.status != 101;
  out.status = head.status;
  out.reason = std::move(head.reason);
  out.headers = std::move(head.headers);
  return out;
}

Result<ClientResponse> Client::get(std::string_view target, const Headers& headers) const
{
  Headers fields;
  fields.emplace_back("Host", m_endpoint.socket_path.empty() ? m_endpoint.describe() : "localhost");
  for (const Headers* list : {&m_options.default_headers, &headers}) {
    for (const auto& [name, value] : *list) {
      put_header(fields, name, value);
    }
  }
  const std::string request = format_request_head("GET", target, fields);
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Stream> stream = attempt == 0 ? take_idle() : nullptr;
    const bool reused = stream != nullptr;
    if (!reused) {
      auto opened = connect();
      if (!opened) {
        return fail(fmt::format("GET {}: {}", target, opened.error().message));
      }
      stream = std::move(*opened);
    }
    bool reusable = false;
    bool nothing_received = false;
    auto response = exchange(*stream, request, reusable, nothing_received);
    if (response) {
      if (reusable) {
        give_back(std::move(stream));
      }
      return response;
    }
    if (!(reused && nothing_received && attempt == 0)) {
      return fail(fmt::format("GET {}: {}", target, response.error().message));
    }
  }
}

} // namespace cva::http
