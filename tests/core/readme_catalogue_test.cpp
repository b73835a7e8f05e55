#include "../support/support.hpp"

#include <core/report/render.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::test;

TEST_SUITE("docs/readme")
{
  TEST_CASE("the README's check table is the generated catalogue (run scripts/update-catalogue)")
  {
    const std::string readme = read_text(source_dir() / "README.md");
    const std::string begin = "<!-- checks:begin -->\n";
    const std::string end = "<!-- checks:end -->";
    const auto b = readme.find(begin);
    const auto e = readme.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    CHECK(readme.substr(b + begin.size(), e - b - begin.size()) == render_catalogue_markdown());
  }
}
