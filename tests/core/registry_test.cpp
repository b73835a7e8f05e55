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

  TEST_CASE("every check has its test file (fires, healthy, missing input)")
  {
    for (const CheckInfo& c : checks()) {
      std::string stem(c.id);
      std::replace(stem.begin(), stem.end(), '-', '_');
      CHECK_MESSAGE(std::filesystem::exists(source_dir() / "tests" / "analyzers" / (stem + "_test.cpp")), c.id);
    }
  }
}
