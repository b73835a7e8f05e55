#include <core/http/message.hpp>

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <thread>

using namespace cva;
using namespace cva::http;

namespace {

// A connected pair of real stream sockets: `reader` wrapped in a Stream, `writer` raw.
struct Pair
{
  std::unique_ptr<Stream> reader;
  Socket writer;

  explicit Pair(std::chrono::milliseconds timeout = std::chrono::seconds(10))
  {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    reader = std::make_unique<Stream>(Socket(fds[0]), "peer", timeout);
    writer = Socket(fds[1]);
  }

  // Sends `bytes` one write at a time per piece, on a thread, then closes the writer unless `keep`.
  std::thread send(std::vector<std::string> pieces, bool keep = false)
  {
    return std::thread([this, pieces = std::move(pieces), keep] {
      for (const std::string& piece : pieces) {
        [[maybe_unused]] const auto n = ::send(writer.fd(), piece.data(), piece.size(), MSG_NOSIGNAL);
        std::this_thread::yield();
      }
      if (!keep) {
        writer.close();
      }
    });
  }
};

// Each byte of `text` as its own piece, so every parser state meets a read boundary.
std::vector<std::string> bytewise(std::string_view text)
{
  std::vector<std::string> out;
  for (const char c : text) {
    out.emplace_back(1, c);
  }
  return out;
}

Result<std::string> read_chunked(const std::vector<std::string>& pieces, std::size_t max = 1 << 20,
                                 IoFailure* failure = nullptr)
{
  Pair pair;
  std::thread t = pair.send(pieces);
  std::string body;
  auto r = read_body(*pair.reader, BodyFraming{BodyFraming::Kind::chunked, 0}, max, body);
  t.join();
  if (failure != nullptr) {
    *failure = pair.reader->last_failure();
  }
  if (!r) {
    return Unexpected{r.error()};
  }
  return body;
}

} // namespace

TEST_SUITE("http/message")
{
  TEST_CASE("percent-decoding: paths keep '+', queries make it a space, bad escapes are errors")
  {
    CHECK(percent_decode("app%3Dweb", false).value() == "app=web");
    CHECK(percent_decode("a+b%20c", false).value() == "a+b c");
    CHECK(percent_decode("a+b%20c", true).value() == "a b c");
    CHECK(percent_decode("%2Fapi%2fv1", false).value() == "/api/v1");
    CHECK(percent_decode("", true).value().empty());
    CHECK(percent_decode("caf%C3%A9", false).value() == "caf\xC3\xA9");
    for (const char* bad : {"%", "%4", "a%zz", "%g0", "100%"}) {
      CAPTURE(bad);
      const auto r = percent_decode(bad, false);
      REQUIRE_FALSE(r);
      CHECK(r.error().message.find("bad percent escape") != std::string::npos);
    }
  }

  TEST_CASE("query strings: repeated names, names without values, empty pieces")
  {
    const auto q = parse_query("labelSelector=app%3Dweb&limit=5&watch&&fieldSelector=a+b&x=1&x=2&=v");
    REQUIRE(q.has_value());
    CHECK(q->find("labelSelector")->second == "app=web");
    CHECK(q->find("limit")->second == "5");
    CHECK(q->find("watch")->second.empty());
    CHECK(q->find("fieldSelector")->second == "a b");
    CHECK(q->count("x") == 2);
    CHECK(q->find("")->second == "v");
    CHECK(q->size() == 7);
    CHECK_FALSE(parse_query("a=%G1"));
    CHECK(parse_query("").value().empty());
  }

  TEST_CASE("request heads: the parts, case-insensitive fields, keep-alive by version and Connection")
  {
    const auto head = parse_request_head(
      "GET /api/v1/namespaces/coder/pods?labelSelector=app%3Dweb&limit=2 HTTP/1.1\r\n"
      "Host: localhost\r\nAccept:  application/json \r\nX-Empty:\r\nconnection: Keep-Alive, Upgrade");
    REQUIRE(head.has_value());
    CHECK(head->method == "GET");
    CHECK(head->target == "/api/v1/namespaces/coder/pods?labelSelector=app%3Dweb&limit=2");
    CHECK(head->path == "/api/v1/namespaces/coder/pods");
    CHECK(head->query == "labelSelector=app%3Dweb&limit=2");
    CHECK(head->params.find("labelSelector")->second == "app=web");
    CHECK(head->minor_version == 1);
    CHECK(header_value(head->headers, "ACCEPT") == "application/json");
    CHECK(has_header(head->headers, "x-empty"));
    CHECK(header_value(head->headers, "X-Empty").empty());
    CHECK(header_has_token(head->headers, "Connection", "upgrade"));
    CHECK(head->keep_alive());

    CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nHost: x\r\nConnection: close")->keep_alive());
    CHECK_FALSE(parse_request_head("GET / HTTP/1.0")->keep_alive()); // no Host needed in 1.0
    CHECK(parse_request_head("GET / HTTP/1.0\r\nConnection: keep-alive")->keep_alive());
    // Bare LF line endings are accepted; a path with an encoded slash decodes.
    CHECK(parse_request_head("HEAD /a%2Fb HTTP/1.1\nHost: x").value().path == "/a/b");
    // Absolute form is reduced to the origin form; `*` only with OPTIONS.
    CHECK(parse_request_head("GET http://127.0.0.1:8001/version?x=1 HTTP/1.1\r\nHost: x").value().target == "/version?x=1");
    CHECK(parse_request_head("GET http://127.0.0.1:8001 HTTP/1.1\r\nHost: x").value().path == "/");
    CHECK(parse_request_head("OPTIONS * HTTP/1.1\r\nHost: x").has_value());
    CHECK_FALSE(parse_request_head("GET * HTTP/1.1\r\nHost: x"));
  }

  TEST_CASE("request heads: garbage is refused with a reason")
  {
    const std::vector<std::pair<const char*, const char*>> cases = {
      {"", "empty request line"},
      {"GARBAGE", "malformed request line"},
      {"GET /", "malformed request line"},
      {"GET  / HTTP/1.1\r\nHost: x", "malformed request target"},
      {"G(T / HTTP/1.1\r\nHost: x", "malformed request line"},
      {"GET / HTTP/1.1 \r\nHost: x", "unsupported protocol version"},
      {"GET / FTP/1.1\r\nHost: x", "unsupported protocol version"},
      {"GET / HTTP/1.10\r\nHost: x", "unsupported protocol version"},
      {"GET relative HTTP/1.1\r\nHost: x", "malformed request target"},
      {"GET /\x01 HTTP/1.1\r\nHost: x", "malformed request target"},
      {"GET /%zz HTTP/1.1\r\nHost: x", "bad percent escape"},
      {"GET /?a=%z HTTP/1.1\r\nHost: x", "bad percent escape"},
      {"GET / HTTP/1.1\r\nHost: x\r\nNoColon", "without a colon"},
      {"GET / HTTP/1.1\r\nHost : x", "invalid header field name"},
      {"GET / HTTP/1.1\r\n: x\r\nHost: x", "invalid header field name"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded", "obsolete line folding"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01z", "control character"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rz", "control character"},
      {"GET / HTTP/1.1\r\nAccept: */*", "without a Host header"},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b", "more than one Host"},
    };
    for (const auto& [text, reason] : cases) {
      const auto& message = text; // clang 14 cannot capture a structured binding
      CAPTURE(message);
      bool newer = false;
      const auto r = parse_request_head(text, &newer);
      REQUIRE_FALSE(r);
      CHECK(r.error().message.find(reason) != std::string::npos);
      CHECK_FALSE(newer);
    }
    bool newer = false;
    CHECK_FALSE(parse_request_head("PRI * HTTP/2.0", &newer));
    CHECK(newer);
  }

  TEST_CASE("response heads and framing")
  {
    const auto ok = parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain");
    REQUIRE(ok.has_value());
    CHECK(ok->status == 200);
    CHECK(ok->reason == "OK");
    CHECK(response_framing("GET", 200, ok->headers)->kind == BodyFraming::Kind::length);
    CHECK(response_framing("GET", 200, ok->headers)->length == 5);
    CHECK(response_framing("HEAD", 200, ok->headers)->kind == BodyFraming::Kind::none);
    CHECK(response_framing("GET", 204, {})->kind == BodyFraming::Kind::none);
    CHECK(response_framing("GET", 304, {})->kind == BodyFraming::Kind::none);
    CHECK(response_framing("GET", 200, {})->kind == BodyFraming::Kind::until_close);
    CHECK(response_framing("GET", 200, {{"Transfer-Encoding", "gzip, chunked"}})->kind == BodyFraming::Kind::chunked);
    CHECK(response_framing("GET", 200, {{"Transfer-Encoding", "gzip"}})->kind == BodyFraming::Kind::until_close);
    CHECK_FALSE(response_framing("GET", 200, {{"Content-Length", "-1"}}));
    CHECK(parse_response_head("HTTP/1.0 404 Not Found").value().minor_version == 0);
    CHECK(parse_response_head("HTTP/1.1 204").value().reason.empty());
    for (const char* bad : {"HTTP/1.1 20 OK", "HTTP/1.1 abc OK", "ICY 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1  200 OK", ""}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_response_head(bad));
    }
  }

  TEST_CASE("request framing refuses ambiguous lengths")
  {
    CHECK(request_framing({})->kind == BodyFraming::Kind::none);
    CHECK(request_framing({{"Content-Length", "0"}})->kind == BodyFraming::Kind::none);
    CHECK(request_framing({{"content-length", "12"}, {"Content-Length", "12"}})->length == 12);
    CHECK(request_framing({{"Transfer-Encoding", "Chunked"}})->kind == BodyFraming::Kind::chunked);
    CHECK_FALSE(request_framing({{"Content-Length", "12"}, {"Content-Length", "13"}}));
    CHECK_FALSE(request_framing({{"Content-Length", "12abc"}}));
    CHECK_FALSE(request_framing({{"Content-Length", "+12"}}));
    CHECK_FALSE(request_framing({{"Content-Length", "99999999999999999999999"}}));
    CHECK_FALSE(request_framing({{"Transfer-Encoding", "gzip"}}));
    CHECK_FALSE(request_framing({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}));
    CHECK_FALSE(request_framing({{"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}}));
  }

  TEST_CASE("heads written: status line, fields, and no way to inject a field")
  {
    CHECK(format_response_head(404, {{"Content-Length", "0"}}) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    CHECK(format_response_head(299, {}) == "HTTP/1.1 299 \r\n\r\n");
    CHECK(format_response_head(200, {{"Warning", "a\r\nSet-Cookie: x"}}) ==
          "HTTP/1.1 200 OK\r\nWarning: a  Set-Cookie: x\r\n\r\n");
    CHECK(format_request_head("GET", "/version", {{"Host", "localhost"}}) ==
          "GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(format_chunk("hello") == "5\r\nhello\r\n");
    CHECK(format_chunk(std::string(255, 'x')).starts_with("ff\r\n"));
    CHECK(format_chunk("").empty());
  }
}

TEST_SUITE("http/stream")
{
  TEST_CASE("chunked bodies: extensions, trailers, upper-case hex, every byte a separate read")
  {
    const std::string wire = "5;name=value\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: 1\r\n\r\n";
    CHECK(read_chunked({wire}).value() == "hello, chunked!");
    CHECK(read_chunked(bytewise(wire)).value() == "hello, chunked!");
    CHECK(read_chunked({"0\r\n\r\n"}).value().empty());
  }

  TEST_CASE("chunked bodies: malformed, oversized and cut-off bodies fail with the reason")
  {
    IoFailure failure = IoFailure::none;
    auto r = read_chunked({"zz\r\nhello\r\n0\r\n\r\n"}, 1 << 20, &failure);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("malformed chunk size") != std::string::npos);
    CHECK(failure == IoFailure::malformed);

    r = read_chunked({"5\r\nhelloXX0\r\n\r\n"}, 1 << 20, &failure);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("not followed by CRLF") != std::string::npos);

    r = read_chunked({"fffffffffffffffffff\r\n"}, 1 << 20, &failure);
    CHECK_FALSE(r);
    CHECK(failure == IoFailure::malformed);

    r = read_chunked({"10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"}, 20, &failure);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("larger than 20 bytes") != std::string::npos);
    CHECK(failure == IoFailure::too_large);

    r = read_chunked({"10\r\n01234"}, 1 << 20, &failure);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("connection closed after 5 of 16 body bytes") != std::string::npos);
    CHECK(failure == IoFailure::closed);

    r = read_chunked({"5\r\nhello\r\n"}, 1 << 20, &failure); // no last chunk
    CHECK_FALSE(r);
    CHECK(failure == IoFailure::closed);
  }

  TEST_CASE("heads: split reads, leading empty lines skipped, a cap, and what follows stays buffered")
  {
    Pair split;
    std::thread t1 = split.send(bytewise("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto parts = split.reader->read_head(1024, "the request head");
    t1.join();
    CHECK(parts.value() == "GET / HTTP/1.1\r\nHost: x");

    Pair pair;
    std::thread t = pair.send({"GET / HTTP/1.1\nHost: x\n\nGET /next"}); // one write, one read
    const auto head = pair.reader->read_head(1024, "the request head");
    t.join();
    REQUIRE(head.has_value());
    CHECK(*head == "GET / HTTP/1.1\nHost: x");
    CHECK(pair.reader->buffered() == 9);
    const auto rest = pair.reader->read_head(1024, "the request head");
    REQUIRE_FALSE(rest);
    CHECK(pair.reader->last_failure() == IoFailure::closed);

    Pair big;
    std::thread t2 = big.send({"GET / HTTP/1.1\r\nX: " + std::string(5000, 'a') + "\r\n\r\n"});
    const auto refused = big.reader->read_head(1024, "the request head");
    t2.join();
    REQUIRE_FALSE(refused);
    CHECK(big.reader->last_failure() == IoFailure::too_large);
    CHECK(refused.error().message == "peer: the request head is larger than 1024 bytes");

    // Empty lines count against the cap too: a peer sending nothing else is refused.
    Pair blank;
    std::thread t3 = blank.send({std::string(3000, '\n'), std::string(3000, '\n')});
    const auto flood = blank.reader->read_head(1024, "the request head");
    t3.join();
    REQUIRE_FALSE(flood);
    CHECK(blank.reader->last_failure() == IoFailure::too_large);
  }

  TEST_CASE("reads time out when the peer goes quiet, and say so")
  {
    Pair pair(std::chrono::milliseconds(50));
    std::thread t = pair.send({"HTTP/1.1 200 OK\r\n"}, true);
    const auto head = pair.reader->read_head(1024, "the response head");
    t.join();
    REQUIRE_FALSE(head);
    CHECK(pair.reader->last_failure() == IoFailure::timeout);
    CHECK(head.error().message == "peer: nothing received within 50 ms while waiting for the response head");
  }

  TEST_CASE("a stream is not reusable once the peer closed it or sent stray bytes")
  {
    Pair quiet;
    CHECK(quiet.reader->reusable());
    quiet.writer.close();
    CHECK_FALSE(quiet.reader->reusable());

    Pair stray;
    std::thread t = stray.send({"x"}, true);
    t.join();
    CHECK_FALSE(stray.reader->reusable());
  }
}
