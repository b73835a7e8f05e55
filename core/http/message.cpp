#include "message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace cva::http {

namespace {

constexpr std::size_t k_max_chunk_line = 4096;
constexpr std::size_t k_max_trailers = 65536;

char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_tchar(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string_view trim_ows(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits a head into lines (LF-terminated, a CR before the LF dropped).
std::vector<std::string_view> head_lines(std::string_view head)
{
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    const std::size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (nl == std::string_view::npos) {
      break;
    }
    head.remove_prefix(nl + 1);
  }
  return lines;
}

// Parses the field lines after the start line.
Result<Headers> parse_fields(const std::vector<std::string_view>& lines)
{
  Headers out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      return fail("obsolete line folding in a header field");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(fmt::format("header line without a colon: '{}'", line.substr(0, 80)));
    }
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name)) {
      return fail(fmt::format("invalid header field name '{}'", name.substr(0, 80)));
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(),
                    [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; })) {
      return fail(fmt::format("control character in header field '{}'", name));
    }
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

// Parses `HTTP/1.<minor>`; sets `newer` for a well-formed version from HTTP/2 on.
std::optional<int> parse_version(std::string_view text, bool* newer)
{
  if (text.size() != 8 || !text.starts_with("HTTP/") || text[6] != '.' || text[5] < '0' || text[5] > '9' ||
      text[7] < '0' || text[7] > '9') {
    return std::nullopt;
  }
  if (text[5] != '1') {
    if (newer != nullptr && text[5] > '1') {
      *newer = true;
    }
    return std::nullopt;
  }
  return text[7] - '0';
}

std::optional<std::size_t> parse_size(std::string_view text, int base)
{
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string sanitized(std::string_view text)
{
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

void append_fields(std::string& out, const Headers& headers)
{
  for (const auto& [name, value] : headers) {
    out += sanitized(name);
    out += ": ";
    out += sanitized(value);
    out += "\r\n";
  }
  out += "\r\n";
}

Result<void> read_chunked(Stream& stream, std::size_t max_bytes, std::string& out)
{
  while (true) {
    CVA_TRY_ASSIGN(line, stream.read_line(k_max_chunk_line));
    std::string_view size_text(line);
    size_text = trim_ows(size_text.substr(0, size_text.find(';')));
    const auto size = size_text.size() <= 15 ? parse_size(size_text, 16) : std::nullopt;
    if (!size) {
      return stream.fail_with(IoFailure::malformed, fmt::format("malformed chunk size '{}'", line.substr(0, 40)));
    }
    if (*size == 0) {
      std::size_t trailers = 0;
      while (true) {
        CVA_TRY_ASSIGN(trailer, stream.read_line(k_max_chunk_line));
        trailers += trailer.size();
        if (trailer.empty()) {
          return {};
        }
        if (trailers > k_max_trailers) {
          return stream.fail_with(IoFailure::too_large, "chunked trailers too large");
        }
      }
    }
    if (out.size() + *size > max_bytes) {
      return stream.fail_with(IoFailure::too_large, fmt::format("body larger than {} bytes", max_bytes));
    }
    CVA_TRY(stream.read_exact(*size, out));
    std::string crlf;
    CVA_TRY(stream.read_exact(2, crlf));
    if (crlf != "\r\n") {
      return stream.fail_with(IoFailure::malformed, "chunk data not followed by CRLF");
    }
  }
}

} // namespace

bool iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string header_value(const Headers& headers, std::string_view name)
{
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) {
      return v;
    }
  }
  return {};
}

bool has_header(const Headers& headers, std::string_view name)
{
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

bool header_has_token(const Headers& headers, std::string_view name, std::string_view token)
{
  for (const auto& [k, v] : headers) {
    if (!iequals(k, name)) {
      continue;
    }
    std::string_view rest(v);
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (iequals(trim_ows(rest.substr(0, comma)), token)) {
        return true;
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return false;
}

Result<std::string> percent_decode(std::string_view text, bool plus_as_space)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int h = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int l = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (h < 0 || l < 0) {
        return fail(fmt::format("bad percent escape in '{}'", text.substr(0, 200)));
      }
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::multimap<std::string, std::string>> parse_query(std::string_view query)
{
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) {
      continue;
    }
    const std::size_t eq = piece.find('=');
    CVA_TRY_ASSIGN(name, percent_decode(piece.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      CVA_TRY_ASSIGN(decoded, percent_decode(piece.substr(eq + 1), true));
      value = std::move(decoded);
    }
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

bool RequestHead::keep_alive() const
{
  if (header_has_token(headers, "Connection", "close")) {
    return false;
  }
  return minor_version >= 1 || header_has_token(headers, "Connection", "keep-alive");
}

Result<RequestHead> parse_request_head(std::string_view head, bool* version_unsupported)
{
  const std::vector<std::string_view> lines = head_lines(head);
  if (lines.empty() || lines.front().empty()) {
    return fail("empty request line");
  }
  const std::string_view line = lines.front();
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) {
    return fail(fmt::format("malformed request line '{}'", line.substr(0, 80)));
  }
  RequestHead out;
  out.method = std::string(line.substr(0, sp1));
  if (!is_token(out.method)) {
    return fail(fmt::format("malformed request line '{}'", line.substr(0, 80)));
  }
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = parse_version(line.substr(sp2 + 1), version_unsupported);
  if (!version) {
    return fail(fmt::format("unsupported protocol version '{}'", line.substr(sp2 + 1, 20)));
  }
  out.minor_version = *version;
  if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    return fail(fmt::format("malformed request target in '{}'", line.substr(0, 80)));
  }
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (target == "*" ? out.method != "OPTIONS" : target.front() != '/') {
    return fail(fmt::format("malformed request target '{}'", target.substr(0, 80)));
  }
  out.target = std::string(target);
  const std::size_t question = target.find('?');
  CVA_TRY_ASSIGN(path, percent_decode(target.substr(0, question), false));
  out.path = std::move(path);
  if (question != std::string_view::npos) {
    out.query = std::string(target.substr(question + 1));
    CVA_TRY_ASSIGN(params, parse_query(out.query));
    out.params = std::move(params);
  }
  CVA_TRY_ASSIGN(headers, parse_fields(lines));
  out.headers = std::move(headers);
  const auto hosts = std::count_if(out.headers.begin(), out.headers.end(),
                                   [](const auto& h) { return iequals(h.first, "Host"); });
  if (out.minor_version >= 1 && hosts != 1) {
    return fail(hosts == 0 ? "HTTP/1.1 request without a Host header" : "more than one Host header");
  }
  return out;
}

Result<ResponseHead> parse_response_head(std::string_view head)
{
  const std::vector<std::string_view> lines = head_lines(head);
  if (lines.empty()) {
    return fail("empty response");
  }
  const std::string_view line = lines.front();
  ResponseHead out;
  const auto version = parse_version(line.substr(0, 8), nullptr);
  const auto status = line.size() >= 12 ? parse_size(line.substr(9, 3), 10) : std::nullopt;
  if (!version || line.size() < 12 || line[8] != ' ' || !status || *status < 100 || *status > 999 ||
      (line.size() > 12 && line[12] != ' ')) {
    return fail(fmt::format("malformed status line '{}'", line.substr(0, 80)));
  }
  out.minor_version = *version;
  out.status = static_cast<int>(*status);
  out.reason = line.size() > 13 ? std::string(line.substr(13)) : std::string();
  CVA_TRY_ASSIGN(headers, parse_fields(lines));
  out.headers = std::move(headers);
  return out;
}

std::string_view reason_phrase(int status)
{
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 206: return "Partial Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 406: return "Not Acceptable";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 411: return "Length Required";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  case 505: return "HTTP Version Not Supported";
  default: return "";
  }
}

std::string format_response_head(int status, const Headers& headers)
{
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  append_fields(out, headers);
  return out;
}

std::string format_request_head(std::string_view method, std::string_view target, const Headers& headers)
{
  std::string out = fmt::format("{} {} HTTP/1.1\r\n", sanitized(method), sanitized(target));
  append_fields(out, headers);
  return out;
}

Result<BodyFraming> request_framing(const Headers& headers)
{
  BodyFraming out;
  const bool chunked = has_header(headers, "Transfer-Encoding");
  if (chunked) {
    if (!iequals(header_value(headers, "Transfer-Encoding"), "chunked") ||
        std::count_if(headers.begin(), headers.end(), [](const auto& h) { return iequals(h.first, "Transfer-Encoding"); }) != 1) {
      return fail(fmt::format("unsupported Transfer-Encoding '{}'", header_value(headers, "Transfer-Encoding")));
    }
    if (has_header(headers, "Content-Length")) {
      return fail("both Transfer-Encoding and Content-Length");
    }
    out.kind = BodyFraming::Kind::chunked;
    return out;
  }
  std::optional<std::size_t> length;
  for (const auto& [name, value] : headers) {
    if (!iequals(name, "Content-Length")) {
      continue;
    }
    const auto parsed = value.size() <= 18 ? parse_size(value, 10) : std::nullopt;
    if (!parsed || (length && *length != *parsed)) {
      return fail(fmt::format("invalid Content-Length '{}'", value.substr(0, 40)));
    }
    length = parsed;
  }
  if (length && *length > 0) {
    out.kind = BodyFraming::Kind::length;
    out.length = *length;
  }
  return out;
}

Result<BodyFraming> response_framing(std::string_view method, int status, const Headers& headers)
{
  BodyFraming out;
  if (method == "HEAD" || status < 200 || status == 204 || status == 304) {
    return out;
  }
  if (has_header(headers, "Transfer-Encoding")) {
    const std::string codings = header_value(headers, "Transfer-Encoding");
    const std::size_t comma = codings.rfind(',');
    out.kind = iequals(trim_ows(comma == std::string::npos ? std::string_view(codings) : std::string_view(codings).substr(comma + 1)),
                       "chunked")
                 ? BodyFraming::Kind::chunked
                 : BodyFraming::Kind::until_close;
    return out;
  }
  if (has_header(headers, "Content-Length")) {
    const std::string value = header_value(headers, "Content-Length");
    const auto parsed = value.size() <= 18 ? parse_size(value, 10) : std::nullopt;
    if (!parsed) {
      return fail(fmt::format("invalid Content-Length '{}'", value.substr(0, 40)));
    }
    out.kind = BodyFraming::Kind::length;
    out.length = *parsed;
    return out;
  }
  out.kind = BodyFraming::Kind::until_close;
  return out;
}

Result<void> read_body(Stream& stream, const BodyFraming& framing, std::size_t max_bytes, std::string& out)
{
  switch (framing.kind) {
  case BodyFraming::Kind::none:
    return {};
  case BodyFraming::Kind::length:
    if (framing.length > max_bytes) {
      return stream.fail_with(IoFailure::too_large,
                              fmt::format("body of {} bytes is larger than {} bytes", framing.length, max_bytes));
    }
    out.reserve(out.size() + framing.length);
    return stream.read_exact(framing.length, out);
  case BodyFraming::Kind::chunked:
    return read_chunked(stream, max_bytes, out);
  case BodyFraming::Kind::until_close:
    return stream.read_to_end(out, max_bytes);
  }
  return {};
}

std::string format_chunk(std::string_view data)
{
  if (data.empty()) {
    return {};
  }
  std::string out = fmt::format("{:x}\r\n", data.size());
  out.append(data);
  out += "\r\n";
  return out;
}

} // namespace cva::http
