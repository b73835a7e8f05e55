#include <core/model/labels.hpp>

#include <doctest/doctest.h>

using namespace cva;

TEST_SUITE("core/labels")
{
  const StringMap k_web{{"app", "web"}, {"tier", "frontend"}, {"env", "prod"}};

  TEST_CASE("string selectors: equality, inequality, sets and existence")
  {
    const auto matches = [&](const char* text) {
      auto s = LabelSelector::parse(text);
      REQUIRE_MESSAGE(s.has_value(), text);
      return s->matches(k_web);
    };
    CHECK(matches(""));
    CHECK(matches("app=web"));
    CHECK(matches("app==web"));
    CHECK_FALSE(matches("app=db"));
    CHECK(matches("app!=db"));
    CHECK(matches("missing!=x")); // != matches a missing key
    CHECK(matches("env in (prod, staging)"));
    CHECK_FALSE(matches("env in (staging)"));
    CHECK(matches("env notin (staging,dev)"));
    CHECK(matches("missing notin (x)"));
    CHECK(matches("tier"));
    CHECK_FALSE(matches("!tier"));
    CHECK(matches("!missing"));
    CHECK(matches("app=web,tier,env in (prod),!gpu"));
    CHECK_FALSE(matches("app=web,gpu"));
    CHECK_FALSE(matches("app="));
    CHECK_FALSE(matches("missing="));
    CHECK(LabelSelector::parse("empty=")->matches(StringMap{{"empty", ""}}));
  }

  TEST_CASE("string selectors: malformed text is refused with the text named")
  {
    for (const char* bad : {"app in prod", "env in ()", "=x", "a=b,", "a=b c", "!", "a in (x"}) {
      CAPTURE(bad);
      auto s = LabelSelector::parse(bad);
      REQUIRE_FALSE(s.has_value());
      CHECK(s.error().message.find(bad) != std::string::npos);
    }
  }

  TEST_CASE("JSON selectors: matchLabels and matchExpressions; null matches nothing, {} everything")
  {
    const Json sel = Json::parse(R"({"matchLabels":{"app":"web"},"matchExpressions":[
      {"key":"env","operator":"In","values":["prod"]},{"key":"gpu","operator":"DoesNotExist"},
      {"key":"tier","operator":"Exists"},{"key":"zone","operator":"NotIn","values":["b"]}]})");
    auto s = LabelSelector::from_json(sel);
    REQUIRE(s.has_value());
    CHECK(s->matches(k_web));
    CHECK(s->to_string() == "app=web,env in (prod),!gpu,tier,zone notin (b)");
    CHECK(LabelSelector::from_json(Json())->matches_nothing());
    CHECK_FALSE(LabelSelector::from_json(Json())->matches(k_web));
    CHECK(LabelSelector::from_json(Json::object())->matches_everything());
    CHECK_FALSE(LabelSelector::from_json(Json::parse(R"({"matchExpressions":[{"key":"a","operator":"Like"}]})")).has_value());
    CHECK_FALSE(LabelSelector::from_json(Json::parse(R"({"matchExpressions":[{"key":"a","operator":"In","values":[]}]})")).has_value());
  }

  TEST_CASE("the string form round-trips")
  {
    for (const char* text : {"a=b", "a!=b", "a in (x,y)", "a notin (x)", "a", "!a", "a=b,c in (d)"}) {
      CAPTURE(text);
      CHECK(LabelSelector::parse(text)->to_string() == text);
    }
  }
}
