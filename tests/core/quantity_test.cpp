#include <core/model/quantity.hpp>

#include <doctest/doctest.h>

using cva::Quantity;

TEST_SUITE("core/quantity")
{
  TEST_CASE("parses decimal, binary and exponent forms exactly")
  {
    CHECK(Quantity::parse("500m")->milli() == 500);
    CHECK(Quantity::parse("1.5")->milli() == 1500);
    CHECK(*Quantity::parse("1.5") == *Quantity::parse("1500m"));
    CHECK(Quantity::parse("12Gi")->value() == 12LL * 1024 * 1024 * 1024);
    CHECK(Quantity::parse("1Ki")->value() == 1024);
    CHECK(Quantity::parse("2e3")->value() == 2000);
    CHECK(Quantity::parse("1E")->value() == 1'000'000'000'000'000'000LL);
    CHECK(Quantity::parse("4096Mi")->value() == 4LL * 1024 * 1024 * 1024);
    CHECK(Quantity::parse("100n")->milli() == 1); // rounds up
    CHECK(Quantity::parse("0.1")->milli() == 100);
    CHECK(*Quantity::parse("8Gi") < *Quantity::parse("12Gi"));
    CHECK(Quantity::parse("-1")->value() == -1);
  }

  TEST_CASE("refuses text that is not a quantity")
  {
    for (const char* bad : {"", "abc", "12GB", "1..2", "Gi", "1e", "1.5.5", "12 Gi"}) {
      CAPTURE(bad);
      const auto q = Quantity::parse(bad);
      REQUIRE_FALSE(q.has_value());
      CHECK(q.error().message.find("invalid quantity") != std::string::npos);
    }
    CHECK_FALSE(Quantity::parse("1e400").has_value());
  }

  TEST_CASE("formats memory and CPU for people")
  {
    CHECK(Quantity::parse("12Gi")->to_binary_string() == "12Gi");
    CHECK(Quantity::parse("4096Mi")->to_binary_string() == "4Gi");
    CHECK(Quantity::parse("2000m")->to_cpu_string() == "2");
    CHECK(Quantity::parse("250m")->to_cpu_string() == "250m");
  }
}
