#include <doctest/doctest.h>

#include "../../fuzz/targets.hpp"
#include "../support/support.hpp"

#include <random>

using namespace cva;

namespace {

std::vector<std::string> seeds(std::string_view target)
{
  std::vector<std::string> out;
  if (target == "archive") {
    out.push_back(test::read_text(test::sample_archive("incident")));
    out.push_back(test::read_text(test::binary_dir() / "samples/compliant-coder-support.zip"));
  } else if (target == "manifests") {
    out.push_back(test::read_text(test::source_dir() / "samples/incident/cluster/coder.yaml"));
    out.push_back(R"({"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"}}]})");
  } else if (target == "bundle_file") {
    out.push_back(std::string(1, '\0') + R"({"items":[{"kind":"Pod","metadata":{"name":"c","namespace":"coder","labels":{"app.kubernetes.io/name":"coder"}},"spec":{"containers":[{"name":"coder","args":["server"],"volumes":[{"hostPath":{"path":"/x"}}]}]}}]})");
    out.push_back(std::string(1, '\2') + R"({"coder": "pods is forbidden"})");
    out.push_back(std::string(1, '\6') + R"({"severity":"warning","database":{"warnings":[{"Code":"EDB02"}],"latency_ms":40}})");
  } else if (target == "cluster_info_dump") {
    out.push_back("{\n    \"kind\": \"NodeList\",\n    \"items\": [{\"kind\": \"Node\", \"metadata\": {\"name\": \"n1\"}}]\n}\n"
                  "{\n    \"kind\": \"PodList\",\n    \"items\": [{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"coder\"}}]\n}\n"
                  "==== START logs for container c of pod coder/p ====\nhello\n==== END logs for container c of pod coder/p ====\n");
  } else if (target == "selectors") {
    out.push_back("app=web,env in (prod,staging),!gpu,tier notin (x)");
    out.push_back("12.5Gi");
  } else {
    out.push_back("postgres://u:p@h/db Bearer abcdefghijkl password=x -----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----");
    out.push_back(R"({"env":[{"name":"DB_PASSWORD","value":"x"}]})");
  }
  return out;
}

std::string mutate(std::string s, std::mt19937& rng)
{
  if (s.empty()) {
    return std::string(1, static_cast<char>(rng()));
  }
  switch (rng() % 5) {
    case 0: // flip bytes
      for (int i = 0; i < 4; ++i) {
        s[rng() % s.size()] ^= static_cast<char>(1 << (rng() % 8));
      }
      break;
    case 1: // truncate
      s.resize(rng() % s.size());
      break;
    case 2: // duplicate a slice
    {
      const std::size_t a = rng() % s.size();
      const std::size_t n = std::min<std::size_t>(rng() % 64, s.size() - a);
      s.insert(rng() % s.size(), s.substr(a, n));
      break;
    }
    case 3: // insert structural characters
      s.insert(rng() % s.size(), std::string(1 + rng() % 3, "{}[]:,\"'\\\n-=()!"[rng() % 16]));
      break;
    default: // overwrite with random bytes
      for (int i = 0; i < 8; ++i) {
        s[rng() % s.size()] = static_cast<char>(rng());
      }
  }
  return s;
}

} // namespace

TEST_SUITE("fuzz/replay")
{
  TEST_CASE("every fuzz target survives its seeds and deterministic mutations of them")
  {
    for (const fuzz::NamedTarget& t : fuzz::k_targets) {
      CAPTURE(std::string(t.name));
      std::mt19937 rng(20261127);
      const auto corpus = seeds(t.name);
      const int rounds = t.name == "archive" ? 60 : 400;
      for (const std::string& seed : corpus) {
        CHECK(t.target(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size()) == 0);
        std::string current = seed;
        for (int i = 0; i < rounds; ++i) {
          current = mutate(i % 10 == 0 ? seed : current, rng);
          t.target(reinterpret_cast<const std::uint8_t*>(current.data()), current.size());
        }
      }
    }
  }
}
