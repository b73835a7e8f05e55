#pragma once

#include <core/http/socket.hpp>
#include <core/util/result.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// HTTP/1.1 messages (RFC 9112) as this project's client and server exchange them: heads parsed
// and written, bodies framed by Content-Length, chunked transfer coding or the end of the
// connection, and percent-decoding of paths and query strings. See socket.hpp for why this is our
// own code rather than cpp-httplib.
namespace cva::http {

// Header fields in the order received or to be sent. Names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

// The value of the first field called `name`, or "" when there is none.
std::string header_value(const Headers& headers, std::string_view name);

// Whether a field called `name` is present.
bool has_header(const Headers& headers, std::string_view name);

// Whether the comma-separated list in any `name` field holds `token` (case-insensitively), as in
// `Connection: keep-alive, Upgrade`.
bool header_has_token(const Headers& headers, std::string_view name, std::string_view token);

// Decodes %XX escapes; with `plus_as_space` (query strings), `+` becomes a space. A `%` not
// followed by two hex digits is an error naming the text.
Result<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Splits a query string (`a=1&b=x%3Dy&flag`) into decoded name/value pairs; a name without `=`
// gets an empty value, empty pieces are skipped. An error names the bad piece.
Result<std::multimap<std::string, std::string>> parse_query(std::string_view query);

// A parsed request line and header section.
struct RequestHead
{
  std::string method;
  std::string target; // as sent: origin form `/path?query` (absolute form reduced to it) or `*`
  std::string path;   // percent-decoded, without the query
  std::string query;  // raw, without `?`
  std::multimap<std::string, std::string> params; // the decoded query
  int minor_version = 1;                          // HTTP/1.<minor>
  Headers headers;

  // Whether the connection may carry another request after this one's response.
  bool keep_alive() const;
};

// Parses a request head (as Stream::read_head returns it: lines without the final empty one).
// Rejects, with a one-line reason: a request line that is not `METHOD SP target SP HTTP/1.x`, a
// method that is not a token, a target with spaces or control bytes or bad escapes, a field line
// without `:`, whitespace before the colon, a field name that is not a token, obsolete line folding
// and control bytes in a value. `version_unsupported` is set (with an error) for HTTP/2 and later.
Result<RequestHead> parse_request_head(std::string_view head, bool* version_unsupported = nullptr);

// A parsed status line and header section.
struct ResponseHead
{
  int minor_version = 1;
  int status = 0;
  std::string reason;
  Headers headers;
};

// Parses a response head; the error says what is wrong with it.
Result<ResponseHead> parse_response_head(std::string_view head);

// The reason phrase of `status` (`OK`, `Not Found`, ...), or "" for codes it does not know.
std::string_view reason_phrase(int status);

// `HTTP/1.1 <status> <reason>` and the fields, each line CRLF-terminated, with the empty line.
// CR and LF inside a value are replaced by spaces so no value can start a new field.
std::string format_response_head(int status, const Headers& headers);

// `<method> <target> HTTP/1.1` and the fields, as format_response_head.
std::string format_request_head(std::string_view method, std::string_view target, const Headers& headers);

// How a message's body is delimited.
struct BodyFraming
{
  enum class Kind
  {
    none,          // no body
    length,        // Content-Length bytes
    chunked,       // chunked transfer coding
    until_close,   // everything until the connection closes (responses only)
  };
  Kind kind = Kind::none;
  std::size_t length = 0;
};

// The framing of a request body from its fields; rejects Transfer-Encoding other than `chunked`,
// Transfer-Encoding together with Content-Length, and a Content-Length that is not one number.
Result<BodyFraming> request_framing(const Headers& headers);

// The framing of a response body to a request with `method` (HEAD, and 1xx, 204 and 304
// responses, have none).
Result<BodyFraming> response_framing(std::string_view method, int status, const Headers& headers);

// Reads a body framed by `framing` from `stream` into `out`; fails on a body longer than
// `max_bytes`, malformed chunks, or a connection that closes early (saying how far it got).
Result<void> read_body(Stream& stream, const BodyFraming& framing, std::size_t max_bytes, std::string& out);

// One chunk of chunked transfer coding for `data` (empty data gives nothing: use k_last_chunk).
std::string format_chunk(std::string_view data);
inline constexpr std::string_view k_last_chunk = "0\r\n\r\n";

} // namespace cva::http
