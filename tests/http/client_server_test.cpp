#include "../support/support.hpp"

#include <core/http/client.hpp>
#include <core/http/server.hpp>
#include <core/kube/client.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

using namespace cva;
using namespace cva::http;

namespace {

constexpr auto k_patient = std::chrono::seconds(10);

// An http::Server on a free loopback port, run on a thread for the test's duration.
struct Running
{
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;

  explicit Running(Handler handler, ServerOptions options = {})
  {
    server = std::make_unique<Server>(std::move(options), std::move(handler));
    auto bound = server->bind();
    REQUIRE(bound.has_value());
    port = *bound;
    thread = std::thread([this] { REQUIRE(server->run().has_value()); });
  }
  ~Running()
  {
    server->stop();
    thread.join();
  }
  Endpoint endpoint() const { return Endpoint::tcp("127.0.0.1", port); }
};

// Echoes the request: method, decoded path, parameters, chosen headers and body.
Response echo(const Request& req)
{
  Response res;
  res.headers = {{"Content-Type", "text/plain"}};
  res.body = fmt::format("{} {}", req.method, req.path);
  for (const auto& [k, v] : req.params) {
    res.body += fmt::format(" [{}={}]", k, v);
  }
  for (const char* name : {"Host", "Accept", "Coder-Session-Token"}) {
    if (has_header(req.headers, name)) {
      res.body += fmt::format(" {}: {}", name, req.header(name));
    }
  }
  if (!req.body.empty()) {
    res.body += " body=" + req.body;
  }
  return res;
}

ClientOptions options_with(std::chrono::milliseconds timeout, std::size_t max_body_bytes = std::size_t{1} << 30)
{
  ClientOptions options;
  options.timeout = timeout;
  options.max_body_bytes = max_body_bytes;
  return options;
}

// A raw connection to `port` for requests written by hand.
std::unique_ptr<Stream> raw_connection(int port)
{
  auto socket = connect_tcp("127.0.0.1", port, k_patient);
  REQUIRE(socket.has_value());
  return std::make_unique<Stream>(std::move(*socket), "server", k_patient);
}

struct RawResponse
{
  int status = 0;
  Headers headers;
  std::string body;
};

// Reads one response to a `method` request from `stream`.
RawResponse read_response(Stream& stream, std::string_view method = "GET")
{
  const auto text = stream.read_head(65536, "the response head");
  REQUIRE_MESSAGE(text.has_value(), text.error().message);
  const auto head = parse_response_head(*text);
  REQUIRE(head.has_value());
  RawResponse out{head->status, head->headers, {}};
  const auto framing = response_framing(method, head->status, head->headers);
  REQUIRE(framing.has_value());
  REQUIRE(read_body(stream, *framing, 1 << 20, out.body).has_value());
  return out;
}

// True once the server has closed `stream` (end of stream within the timeout).
bool closed_by_server(Stream& stream)
{
  std::string rest;
  return stream.read_to_end(rest, 1 << 20).has_value() && rest.empty();
}

// A hand-written server on TCP or a unix socket: each accepted connection is given, in order, to
// `script` on the server's thread (connection index from 0), then closed.
struct ScriptedServer
{
  Socket listener;
  int port = 0;
  std::string path;
  std::thread thread;
  std::atomic<int> accepted{0};

  using Script = std::function<void(Stream&, int)>;

  ScriptedServer(int connections, Script script, const std::string& unix_path = {})
  {
    if (unix_path.empty()) {
      auto l = listen_tcp("127.0.0.1", 0);
      REQUIRE(l.has_value());
      port = l->port;
      listener = std::move(l->socket);
    } else {
      path = unix_path;
      listener = Socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
      REQUIRE(::bind(listener.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
      REQUIRE(::listen(listener.fd(), 16) == 0);
    }
    thread = std::thread([this, connections, script = std::move(script)] {
      for (int i = 0; i < connections; ++i) {
        pollfd p{listener.fd(), POLLIN, 0};
        if (::poll(&p, 1, 10'000) <= 0) {
          return;
        }
        Socket s(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
        ++accepted;
        Stream stream(std::move(s), "client", k_patient);
        script(stream, i);
      }
    });
  }
  ~ScriptedServer() { thread.join(); }
};

// Reads one request head from `stream` and answers `response` (raw bytes).
void answer(Stream& stream, std::string_view response, std::string* head_out = nullptr)
{
  const auto head = stream.read_head(65536, "the request head");
  if (head_out != nullptr && head) {
    *head_out = *head;
  }
  if (head) {
    (void)stream.write_all(response);
  }
}

} // namespace

TEST_SUITE("http/server")
{
  TEST_CASE("a GET reaches the handler decoded, and HEAD gets the head without the body")
  {
    Running running(echo);
    const Client client(running.endpoint());
    const auto r = client.get("/api/v1/namespaces/coder/pods?labelSelector=app%3Dweb&fieldSelector=a+b&watch",
                              {{"Accept", "application/json"}, {"Coder-Session-Token", "t"}});
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->status == 200);
    CHECK(r->reason == "OK");
    CHECK(r->header("content-type") == "text/plain");
    CHECK(r->body == fmt::format("GET /api/v1/namespaces/coder/pods [fieldSelector=a b] [labelSelector=app=web] [watch=] "
                                 "Host: 127.0.0.1:{} Accept: application/json Coder-Session-Token: t",
                                 running.port));

    auto stream = raw_connection(running.port);
    REQUIRE(stream->write_all("HEAD /x%20y HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n"));
    const RawResponse head = read_response(*stream, "HEAD");
    CHECK(head.status == 200);
    CHECK(header_value(head.headers, "Content-Length") == std::to_string(std::string("HEAD /x y Host: h").size()));
    CHECK(head.body.empty());
    const RawResponse after = read_response(*stream); // pipelined on the same connection
    CHECK(after.body == "GET /after Host: h");
  }

  TEST_CASE("garbage, oversized and unsupported requests are answered and the connection closed")
  {
    ServerOptions options;
    options.max_head_bytes = 4096;
    options.max_body_bytes = 1000;
    Running running(echo, options);
    const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"GARBAGE\r\n\r\n", 400, "malformed request line"},
      {"GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "invalid header field name"},
      {"GET / HTTP/1.1\r\n\r\n", 400, "without a Host header"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n", 400, "larger than 4096 bytes"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413, "larger than 1000 bytes"},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "Content-Length"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "malformed chunk size"},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + format_chunk(std::string(1500, 'b')) + "0\r\n\r\n",
       413, "larger than 1000 bytes"},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "unsupported protocol version"},
      {std::string("GET /") + '\0' + " HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request target"},
    };
    for (const auto& [request, status, reason] : cases) {
      const std::string head = request.substr(0, 60); // clang 14 cannot capture a structured binding
      CAPTURE(head);
      auto stream = raw_connection(running.port);
      REQUIRE(stream->write_all(request));
      stream->shutdown_write();
      const RawResponse r = read_response(*stream);
      CHECK(r.status == status);
      CHECK(r.body.find(reason) != std::string::npos);
      CHECK(header_value(r.headers, "Connection") == "close");
      CHECK(closed_by_server(*stream));
    }
    // The server is still serving.
    CHECK(Client(running.endpoint()).get("/ok")->body == "GET /ok Host: 127.0.0.1:" + std::to_string(running.port));
  }

  TEST_CASE("request bodies by length and chunked, with 100-continue; HTTP/1.0 gets its close")
  {
    Running running(echo);
    auto stream = raw_connection(running.port);
    REQUIRE(stream->write_all("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                              "PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
    CHECK(read_response(*stream).body == "POST /a Host: h body=hello");
    CHECK(read_response(*stream).body == "PUT /b Host: h body=abcde");

    REQUIRE(stream->write_all("POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
    const RawResponse go_on = read_response(*stream);
    CHECK(go_on.status == 100);
    REQUIRE(stream->write_all("ok"));
    CHECK(read_response(*stream).body == "POST /c Host: h body=ok");

    auto old = raw_connection(running.port);
    REQUIRE(old->write_all("GET /old HTTP/1.0\r\n\r\n"));
    const RawResponse r = read_response(*old);
    CHECK(r.body == "GET /old");
    CHECK(header_value(r.headers, "Connection") == "close");
    CHECK(closed_by_server(*old));
  }

  TEST_CASE("streamed chunks, a truncated body, and a handler that throws")
  {
    Running running([](const Request& req) {
      Response res;
      if (req.path == "/watch") {
        res.mode = Response::Mode::chunked;
        res.body = "event 0\n";
        auto n = std::make_shared<int>(0);
        res.next_chunk = [n](std::string& chunk) {
          chunk = fmt::format("event {}\n", ++*n);
          return *n < 3;
        };
      } else if (req.path == "/drop") {
        res.body = std::string(10000, 'x');
        res.mode = Response::Mode::truncated;
        res.truncate_at = 5000;
      } else if (req.path == "/throw") {
        throw std::runtime_error("boom");
      } else {
        res.body = "fine";
      }
      return res;
    });
    const Client client(running.endpoint());
    const auto watch = client.get("/watch");
    REQUIRE(watch.has_value());
    CHECK(watch->header("Transfer-Encoding") == "chunked");
    CHECK(watch->body == "event 0\nevent 1\nevent 2\nevent 3\n");

    const auto dropped = client.get("/drop");
    REQUIRE_FALSE(dropped);
    CHECK(dropped.error().message ==
          fmt::format("GET /drop: 127.0.0.1:{}: connection closed after 5000 of 10000 body bytes", running.port));

    const auto thrown = client.get("/throw");
    REQUIRE(thrown.has_value());
    CHECK(thrown->status == 500);
    CHECK(thrown->body.find("boom") != std::string::npos);
    CHECK(client.get("/after")->body == "fine");

    // An HTTP/1.0 client cannot read chunks: the stream ends with the connection instead.
    auto old = raw_connection(running.port);
    REQUIRE(old->write_all("GET /watch HTTP/1.0\r\n\r\n"));
    const RawResponse r = read_response(*old);
    CHECK_FALSE(has_header(r.headers, "Transfer-Encoding"));
    CHECK(r.body == "event 0\nevent 1\nevent 2\nevent 3\n");
  }

  TEST_CASE("keep-alive: one connection carries many requests; idle ones are closed by the server")
  {
    ServerOptions options;
    options.idle_timeout = std::chrono::milliseconds(100);
    Running running(echo, options);
    const Client client(running.endpoint());
    for (int i = 0; i < 20; ++i) {
      REQUIRE(client.get(fmt::format("/n/{}", i))->body.starts_with(fmt::format("GET /n/{} ", i)));
    }
    CHECK(client.connections_opened() == 1);
    CHECK(client.idle_connections() == 1);

    auto stream = raw_connection(running.port);
    CHECK(closed_by_server(*stream)); // no request within the idle timeout
    // The pooled connection was closed the same way; the client notices and opens a new one.
    REQUIRE(client.get("/again").has_value());
    CHECK(client.connections_opened() == 2);
  }

  TEST_CASE("concurrent clients on more connections than worker threads")
  {
    ServerOptions options;
    options.threads = 2;
    Running running(echo, options);
    const Client shared(running.endpoint());
    constexpr int k_threads = 8;
    constexpr int k_requests = 25;
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    // Idle keep-alive connections held open by others must not starve the workers.
    std::vector<std::unique_ptr<Client>> idlers;
    for (int i = 0; i < 6; ++i) {
      idlers.push_back(std::make_unique<Client>(running.endpoint()));
      REQUIRE(idlers.back()->get("/idle").has_value());
    }
    for (int t = 0; t < k_threads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < k_requests; ++i) {
          const std::string path = fmt::format("/t{}/r{}", t, i);
          const auto r = shared.get(path);
          if (r && r->body.starts_with("GET " + path + " ")) {
            ++good;
          }
        }
      });
    }
    for (std::thread& t : threads) {
      t.join();
    }
    CHECK(good == k_threads * k_requests);
    CHECK(shared.connections_opened() <= k_threads);
    CHECK(shared.idle_connections() == shared.connections_opened());
  }

  TEST_CASE("stop ends run promptly with idle connections and a request waiting; a stop before run is kept")
  {
    auto server = std::make_unique<Server>(ServerOptions{}, echo);
    const int port = server->bind().value();
    std::thread runner([&] { CHECK(server->run().has_value()); });
    const Client client(Endpoint::tcp("127.0.0.1", port));
    REQUIRE(client.get("/x").has_value()); // an idle keep-alive connection stays open
    auto half = raw_connection(port);
    REQUIRE(half->write_all("GET /never-finished HTTP/1.1\r\n")); // a worker waits for the rest
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server->stop();
    runner.join();
    CHECK(closed_by_server(*half));
    CHECK_FALSE(client.get("/y")); // nobody listens any more

    Server early(ServerOptions{}, echo);
    REQUIRE(early.bind().has_value());
    early.stop();
    CHECK(early.run().has_value());

    Server unbound(ServerOptions{}, echo);
    CHECK(unbound.run().error().message == "the server is not bound");
  }

  TEST_CASE("a port in use is an error naming the address")
  {
    Running running(echo);
    ServerOptions options;
    options.port = running.port;
    Server second(options, echo);
    const auto bound = second.bind();
    REQUIRE_FALSE(bound);
    CHECK(bound.error().message == fmt::format("127.0.0.1:{}: cannot listen: Address already in use", running.port));
  }
}

TEST_SUITE("http/client")
{
  TEST_CASE("refused, timed out and cut-off requests fail with one clear line and no hang")
  {
    int free_port = 0;
    {
      auto l = listen_tcp("127.0.0.1", 0);
      REQUIRE(l.has_value());
      free_port = l->port;
    }
    const Client refused(Endpoint::tcp("127.0.0.1", free_port), options_with(std::chrono::seconds(5)));
    const auto r = refused.get("/version");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == fmt::format("GET /version: cannot connect to 127.0.0.1:{}: Connection refused", free_port));

    std::mutex mutex;
    std::condition_variable released;
    bool release = false;
    Running slow([&](const Request&) {
      std::unique_lock lock(mutex);
      released.wait(lock, [&] { return release; });
      return Response{};
    });
    const Client impatient(slow.endpoint(), options_with(std::chrono::milliseconds(100)));
    const auto timed_out = impatient.get("/slow");
    {
      const std::lock_guard lock(mutex);
      release = true;
    }
    released.notify_all();
    REQUIRE_FALSE(timed_out);
    CHECK(timed_out.error().message ==
          fmt::format("GET /slow: 127.0.0.1:{}: nothing received within 100 ms while waiting for the response head", slow.port));

    ScriptedServer cut(1, [](Stream& s, int) {
      answer(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n01234567");
    });
    const auto chunk_cut = Client(Endpoint::tcp("127.0.0.1", cut.port)).get("/cut");
    REQUIRE_FALSE(chunk_cut);
    CHECK(chunk_cut.error().message.ends_with("connection closed after 8 of 16 body bytes"));
  }

  TEST_CASE("a body over the cap fails; a body that ends with the connection is read whole and not pooled")
  {
    Running big([](const Request&) {
      Response res;
      res.body = std::string(5000, 'z');
      return res;
    });
    const auto over = Client(big.endpoint(), options_with(k_patient, 4096)).get("/big");
    REQUIRE_FALSE(over);
    CHECK(over.error().message.ends_with("body of 5000 bytes is larger than 4096 bytes"));

    ScriptedServer until_close(2, [](Stream& s, int i) {
      answer(s, i == 0 ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end" : "HTTP/1.0 200 OK\r\n\r\nsecond");
    });
    const Client client(Endpoint::tcp("127.0.0.1", until_close.port));
    CHECK(client.get("/1")->body == "until the end");
    CHECK(client.idle_connections() == 0);
    CHECK(client.get("/2")->body == "second");
    CHECK(client.connections_opened() == 2);
  }

  TEST_CASE("a pooled connection the server closed without answering is retried once on a new one")
  {
    ScriptedServer server(3, [](Stream& s, int i) {
      if (i == 0) {
        answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
        (void)s.read_head(65536, "the second request"); // then close without an answer
      } else if (i == 1) {
        answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond");
      } else {
        (void)s.read_head(65536, "a request"); // a fresh connection closed without an answer
      }
    });
    const Client client(Endpoint::tcp("127.0.0.1", server.port));
    CHECK(client.get("/1")->body == "first");
    CHECK(client.get("/2")->body == "second");
    CHECK(client.connections_opened() == 2);
    const auto third = client.get("/3");
    REQUIRE_FALSE(third); // not retried: the connection was new
    CHECK(third.error().message.find("connection closed while waiting for the response head") != std::string::npos);
  }

  TEST_CASE("over a unix socket: Host is localhost, connections are reused, and KubeClient reports errors")
  {
    test::TempDir dir;
    const std::string path = (dir / "kube.sock").string();
    std::string first_head;
    ScriptedServer server(
      1,
      [&first_head](Stream& s, int) {
        answer(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n{\"gitVersion\":\"v1.2\"}",
               &first_head);
        const std::string status = R"({"kind":"Status","message":"pods is forbidden","code":403})";
        answer(s, fmt::format("HTTP/1.1 403 Forbidden\r\nContent-Length: {}\r\n\r\n{}", status.size(), status));
      },
      path);
    const KubeClient kube(path, std::chrono::seconds(5));
    const HttpResponse version = kube.get("/version");
    CHECK(version.status == 200);
    CHECK(version.body == "{\"gitVersion\":\"v1.2\"}");
    CHECK(first_head.find("GET /version HTTP/1.1\r\nHost: localhost\r\n") == 0);
    CHECK(first_head.find("\r\nUser-Agent: kubectl-coder_cva/") != std::string::npos);
    const HttpResponse forbidden = kube.get("/api/v1/pods", {{"Accept", "application/json"}});
    CHECK(forbidden.status == 403);
    CHECK(forbidden.describe() == "403: pods is forbidden");
    CHECK(server.accepted == 1); // the second GET reused the first connection

    const KubeClient missing((dir / "none.sock").string(), std::chrono::seconds(5));
    const HttpResponse failed = missing.get("/version");
    CHECK(failed.status == 0);
    CHECK(failed.describe() == fmt::format("request failed: GET /version: cannot connect to {}: No such file or directory",
                                           (dir / "none.sock").string()));
  }
}
