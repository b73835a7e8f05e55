#include "../support/support.hpp"

#include <core/check/registry.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

using namespace cva;
using namespace cva::test;

TEST_SUITE("check/registry")
{
  TEST_CASE("every analyzer file registers the check named after it, with its fields filled")
  {
    std::set<std::string> stems;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "analyzers")) {
      if (entry.path().extension() == ".cpp") {
        std::string id = entry.path().stem().string();
        std::replace(id.begin(), id.end(), '_', '-');
        stems.insert(id);
      }
    }
    std::set<std::string> ids;
    for (const CheckInfo& c : checks()) {
      ids.insert(std::string(c.id));
      CHECK_MESSAGE(c.doc_url.starts_with("https://coder.com/docs/"), c.id);
      CHECK_MESSAGE(!c.title.empty(), c.id);
      CHECK_MESSAGE(c.title.find('\n') == std::string_view::npos, c.id);
    }
    CHECK(ids == stems);
  }

  TEST_CASE("every check is exercised by a test under tests/analyzers or tests/netpol")
  {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(source_dir() / "tests")) {
      if (entry.path().parent_path().filename() != "analyzers" && entry.path().parent_path().filename() != "netpol") {
        continue;
      }
      if (entry.path().string().ends_with("_test.cpp")) {
        all += read_text(entry.path());
      }
    }
    for (const CheckInfo& c : checks()) {
      CHECK_MESSAGE(all.find(fmt::format("\"{}\"", c.id)) != std::string::npos, c.id);
    }
  }

  TEST_CASE("anchors into the validated-architecture page name its headings")
  {
    // docs/admin/infrastructure/validated-architectures/index.md: "Networking", "PostgreSQL database", ...
    const std::set<std::string> anchors = {"networking", "postgresql-database", "compute", "storage",
                                           "observability", "operational-readiness", "kubernetes-infrastructure"};
    for (const CheckInfo& c : checks()) {
      const std::string url(c.doc_url);
      const std::string page = "https://coder.com/docs/admin/infrastructure/validated-architectures#";
      if (url.starts_with(page)) {
        CHECK_MESSAGE(anchors.contains(url.substr(page.size())), c.id);
      }
    }
  }
}
