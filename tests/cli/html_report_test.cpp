#include <core/bundle/input.hpp>
#include <core/model/snapshot.hpp>
#include <core/util/json.hpp>
#include <tests/support/support.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace cva;
using namespace cva::test;
namespace fs = std::filesystem;

namespace {

// A TCP listener on 127.0.0.1 that records the first line of every request it gets and answers
// 404: the witness that a page did (or did not) make a request.
class LoggingListener
{
public:
  LoggingListener()
  {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(m_fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve(); });
  }
  ~LoggingListener()
  {
    m_stop = true;
    m_thread.join();
    ::close(m_fd);
  }
  LoggingListener(const LoggingListener&) = delete;
  LoggingListener& operator=(const LoggingListener&) = delete;

  int port() const { return m_port; }
  std::vector<std::string> requests()
  {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

private:
  void serve()
  {
    while (!m_stop) {
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) {
        continue;
      }
      const int client = ::accept(m_fd, nullptr, nullptr);
      if (client < 0) {
        continue;
      }
      std::string request;
      char buf[1024];
      pollfd c{client, POLLIN, 0};
      while (request.find("\r\n") == std::string::npos && ::poll(&c, 1, 2000) > 0) {
        const ssize_t n = ::read(client, buf, sizeof buf);
        if (n <= 0) {
          break;
        }
        request.append(buf, static_cast<std::size_t>(n));
      }
      constexpr std::string_view k_reply = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      [[maybe_unused]] const ssize_t written = ::write(client, k_reply.data(), k_reply.size());
      ::close(client);
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request.substr(0, request.find("\r\n")));
    }
  }

  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::vector<std::string> m_requests;
  std::thread m_thread;
};

// What Chromium's net-log says about the network.
struct NetworkUse
{
  std::vector<std::string> page_requests; // URLs a page asked for (not Chromium's own requests)
  int tcp_connects = 0;                   // TCP connections made, by anything
  int bytes_sent = 0;                     // socket writes, by anything
};

NetworkUse network_use(const fs::path& netlog_path)
{
  const auto netlog = parse_json(read_text(netlog_path), netlog_path.string());
  REQUIRE_MESSAGE(netlog.has_value(), "Chromium wrote no complete net-log");
  std::map<int, std::string> types;
  for (const auto& [name, id] : (*netlog)["constants"]["logEventTypes"].items()) {
    types[id.get<int>()] = name;
  }
  NetworkUse use;
  for (const Json& event : (*netlog)["events"]) {
    const std::string& type = types[event["type"].get<int>()];
    const Json& params = json_at(event, "params");
    if (type == "URL_REQUEST_START_JOB" && params.contains("url")) {
      // Chromium's own background requests (updates, time, accounts) have no initiator origin;
      // a page's have its origin ("null" for file:// pages).
      if (json_string(params, "initiator") != "not an origin") {
        use.page_requests.push_back(json_string(params, "url"));
      }
    } else if (type == "TCP_CONNECT" || type == "TCP_CONNECT_ATTEMPT") {
      ++use.tcp_connects;
    } else if (type == "SOCKET_BYTES_SENT" || type == "UDP_BYTES_SENT") {
      ++use.bytes_sent;
    }
  }
  return use;
}

struct Chromium
{
  fs::path binary;
  const TempDir* dir = nullptr;
  int runs = 0;

  // Runs headless Chromium on `page` with background networking off, a fresh profile, every host
  // name but 127.0.0.1 unresolvable and a net-log; returns stdout and the net-log's path.
  std::pair<CommandResult, fs::path> run(const fs::path& page, const std::vector<std::string>& extra)
  {
    ++runs;
    const fs::path profile = dir->path() / fmt::format("profile-{}", runs);
    const fs::path netlog = dir->path() / fmt::format("netlog-{}.json", runs);
    std::vector<std::string> argv{"timeout",
                                  "300",
                                  binary.string(),
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-quic",
                                  "--no-first-run",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--user-data-dir=" + profile.string(),
                                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                                  "--log-net-log=" + netlog.string(),
                                  "--net-log-capture-mode=Everything"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("file://" + page.string());
    CommandResult r = run_command(argv);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return {std::move(r), netlog};
  }
};

// The visible text of serialized HTML: tags dropped, the entities we emit decoded, white space
// collapsed.
// Plain text with runs of white space made one space, as page_text leaves it.
std::string collapse_spaces(const std::string& plain)
{
  std::string out;
  for (const char c : plain) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space || (!out.empty() && out.back() != ' ')) {
      out += space ? ' ' : c;
    }
  }
  return out;
}

std::string page_text(const std::string& html)
{
  std::string text;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      in_tag = true;
      // Inline elements do not separate words; block elements and cells do.
      std::size_t j = i + 1 + (i + 1 < html.size() && html[i + 1] == '/' ? 1 : 0);
      std::string name;
      while (j < html.size() && std::isalpha(static_cast<unsigned char>(html[j])) != 0) {
        name += html[j++];
      }
      if (name != "code" && name != "a" && name != "b" && name != "strong" && name != "em" && name != "span") {
        text += ' ';
      }
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      text += c;
    }
  }
  for (const auto& [entity, value] : std::vector<std::pair<std::string, std::string>>{
         {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}, {"&times;", "×"},
         {"&middot;", "·"}, {"&amp;", "&"}}) {
    for (std::size_t pos = text.find(entity); pos != std::string::npos; pos = text.find(entity, pos + value.size())) {
      text.replace(pos, entity.size(), value);
    }
  }
  std::string collapsed;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space || (!collapsed.empty() && collapsed.back() != ' ')) {
      collapsed += space ? ' ' : c;
    }
  }
  return collapsed;
}

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> png_size(const std::string& png)
{
  REQUIRE(png.size() > 24);
  REQUIRE(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return {be32(16), be32(20)};
}

void check_offline(const fs::path& netlog)
{
  const NetworkUse use = network_use(netlog);
  for (const std::string& url : use.page_requests) {
    CHECK_MESSAGE((url.starts_with("file:") || url.starts_with("data:")), "the report requested " << url);
  }
  CHECK(use.tcp_connects == 0);
  CHECK(use.bytes_sent == 0);
}

} // namespace

TEST_CASE("cli: the HTML report renders in headless Chromium, shows the findings and loads nothing")
{
  fs::path chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) {
    chromium = find_program("chromium");
  }
  REQUIRE_MESSAGE(!chromium.empty(), "Debian's chromium is needed (scripts/install-deps --test)");
  TempDir dir;
  Chromium browser{chromium, &dir};
  const fs::path shots = binary_dir() / "report-screenshots";
  fs::create_directories(shots);

  {
    // Proves the checks below can fail: the net-log and a local listener see the requests of a
    // page with an outside and a loopback image.
    LoggingListener listener;
    write_text(dir / "canary.html",
               fmt::format("<!DOCTYPE html><html><body><p>canary</p><img src=\"http://cva-canary.invalid/a.png\">"
                           "<img src=\"http://127.0.0.1:{}/canary.png\"></body></html>",
                           listener.port()));
    const auto [dom, netlog] = browser.run(dir / "canary.html", {"--dump-dom"});
    CHECK(dom.out.find("canary") != std::string::npos);
    const NetworkUse use = network_use(netlog);
    CHECK(std::find(use.page_requests.begin(), use.page_requests.end(), "http://cva-canary.invalid/a.png") !=
          use.page_requests.end());
    CHECK(use.tcp_connects >= 1);
    CHECK(use.bytes_sent >= 1);
    const std::vector<std::string> requests = listener.requests();
    REQUIRE(requests.size() >= 1);
    CHECK(requests[0] == "GET /canary.png HTTP/1.1");
  }

  for (const std::string sample : {"incident", "compliant"}) {
    CAPTURE(sample);
    const std::string archive = sample_archive(sample).string();
    const CommandResult html = run_cli({"analyze", archive, "-o", "html"});
    REQUIRE(!html.out.empty());
    const fs::path page = dir / fmt::format("{}.html", sample);
    write_text(page, html.out);
    const auto report = parse_json(run_cli({"analyze", archive, "-o", "json"}).out, "report");
    REQUIRE(report.has_value());

    const auto [dom, dom_netlog] = browser.run(page, {"--dump-dom"});
    check_offline(dom_netlog);
    const std::string text = page_text(dom.out);
    CHECK(text.find("Coder validated architecture report") != std::string::npos);
    CHECK(text.find("Summary by area") != std::string::npos);
    // Every check with its verdict, and every finding that did not pass with its evidence.
    for (const Json& check : (*report)["checks"]) {
      const std::string id = check["id"];
      CAPTURE(id);
      CHECK(text.find(id) != std::string::npos);
      for (const Json& finding : check["findings"]) {
        if (finding["outcome"] == "pass" && check["outcome"] != "pass") {
          continue;
        }
        CHECK_MESSAGE(text.find(collapse_spaces(finding["message"].get<std::string>())) != std::string::npos,
                      finding["message"].get<std::string>());
        for (const Json& evidence : finding["evidence"]) {
          if (check["outcome"] != "pass") {
            CHECK(text.find(evidence["path"].get<std::string>()) != std::string::npos);
          }
        }
      }
      if (check["outcome"] == "fail" || check["outcome"] == "warn") {
        std::string fix = check["remediation"];
        std::erase(fix, '`'); // shown as <code>
        CHECK(text.find(collapse_spaces(fix.substr(0, fix.find(' ', 30)))) != std::string::npos);
      }
    }
    // The node map: every node, by group, with the Coder roles on it.
    auto input = load_inputs({archive});
    REQUIRE(input.has_value());
    auto snapshot = Snapshot::build(std::move(*input));
    REQUIRE(snapshot.has_value());
    REQUIRE(!snapshot->nodes.empty());
    for (const Node& node : snapshot->nodes) {
      CHECK(text.find(node.meta.name) != std::string::npos);
      CHECK(text.find("Node group " + node.group) != std::string::npos);
    }
    CHECK(text.find("coderd ×") != std::string::npos);
    CHECK(text.find("workspace ×") != std::string::npos);
    if (sample == "incident") {
      CHECK(text.find("Node group general autoscaled (3 nodes, 2 zones,") != std::string::npos);
      CHECK(text.find("PostgreSQL ×1") != std::string::npos);
      CHECK(text.find("FAIL coderd-replicas coderd runs at least three replicas") != std::string::npos);
    } else {
      CHECK(text.find("Node group coder-control fixed size (3 nodes, 3 zones, 3 coderd)") != std::string::npos);
      CHECK(text.find("Node group coder-workspaces autoscaled") != std::string::npos);
      CHECK((text.find("0 FAIL checks") != std::string::npos || text.find("0FAIL checks") != std::string::npos));
    }

    const fs::path png = dir / fmt::format("{}.png", sample);
    const auto [shot, shot_netlog] =
      browser.run(page, {"--window-size=1280,4000", "--hide-scrollbars", "--screenshot=" + png.string()});
    check_offline(shot_netlog);
    const std::string image = read_text(png);
    CHECK(png_size(image) == std::pair<int, int>{1280, 4000});
    CHECK(image.size() > 100'000); // a blank page compresses to a few kilobytes
    fs::copy_file(png, shots / png.filename(), fs::copy_options::overwrite_existing);

    if (sample == "incident") {
      // Printable: Chromium's print pipeline lays it out on several pages.
      const fs::path pdf = dir / "incident.pdf";
      const auto [print, print_netlog] = browser.run(page, {"--no-pdf-header-footer", "--print-to-pdf=" + pdf.string()});
      check_offline(print_netlog);
      const std::string document = read_text(pdf);
      CHECK(document.starts_with("%PDF-"));
      int pages = 0;
      for (std::size_t pos = document.find("/Type /Page"); pos != std::string::npos;
           pos = document.find("/Type /Page", pos + 1)) {
        pages += document.compare(pos, 12, "/Type /Pages") == 0 ? 0 : 1;
      }
      CHECK(pages >= 2);
      fs::copy_file(pdf, shots / pdf.filename(), fs::copy_options::overwrite_existing);
    }
  }
}
