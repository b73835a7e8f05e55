// The class-based matrix must say exactly what evaluating every pair of pods says: checked on
// random clusters (seeded, so every run sees the same ones).
#include "netpol_fixture.hpp"

#include <core/netpol/matrix.hpp>

#include <doctest/doctest.h>

#include <random>

using namespace cva;
using namespace cva::netpol;

namespace {

class Generator
{
public:
  explicit Generator(unsigned seed) : m_rng(seed) {}

  std::string cluster()
  {
    Json items = Json::array();
    const int namespaces = between(2, 5);
    for (int n = 0; n < namespaces; ++n) {
      // Some namespaces are left out of the input, so their labels are unknown.
      if (chance(0.8)) {
        Json labels = Json::object();
        if (chance(0.6)) {
          labels["team"] = pick({"x", "y"});
        }
        if (chance(0.5)) {
          labels["env"] = pick({"prod", "dev"});
        }
        items.push_back(Json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                             {"metadata", {{"name", ns(n)}, {"labels", labels}}}});
      }
    }
    const int pods = between(8, 30);
    for (int p = 0; p < pods; ++p) {
      Json labels = Json::object();
      labels["app"] = pick({"a", "b", "c"});
      if (chance(0.5)) {
        labels["tier"] = pick({"1", "2"});
      }
      labels["instance"] = "p" + std::to_string(p); // unique, read by no selector
      Json ports = Json::array();
      if (chance(0.5)) {
        ports.push_back(Json{{"name", "http"}, {"containerPort", chance(0.5) ? 8080 : 9090}});
      }
      if (chance(0.3)) {
        ports.push_back(Json{{"name", "dns"}, {"containerPort", 53}, {"protocol", "UDP"}});
      }
      Json status{{"phase", "Running"}};
      const double ip = uniform();
      if (ip < 0.7) {
        status["podIP"] = fmt::format("10.0.{}.{}", between(0, 3), between(1, 250));
      } else if (ip < 0.8) {
        status["podIP"] = fmt::format("fd00::{:x}", between(1, 4000));
      } // else: no IP yet
      items.push_back(Json{{"apiVersion", "v1"}, {"kind", "Pod"},
                           {"metadata", {{"name", "pod" + std::to_string(p)}, {"namespace", ns(between(0, namespaces - 1))}, {"labels", labels}}},
                           {"spec", {{"hostNetwork", chance(0.1)}, {"containers", Json::array({Json{{"name", "main"}, {"image", "x"}, {"ports", ports}}})}}},
                           {"status", status}});
    }
    const int policies = between(2, 9);
    for (int i = 0; i < policies; ++i) {
      Json spec{{"podSelector", selector(true)}};
      const double types = uniform();
      if (types < 0.25) {
        spec["policyTypes"] = Json::array({"Ingress"});
      } else if (types < 0.5) {
        spec["policyTypes"] = Json::array({"Egress"});
      } else if (types < 0.75) {
        spec["policyTypes"] = Json::array({"Ingress", "Egress"});
      }
      for (const char* dir : {"ingress", "egress"}) {
        if (chance(0.2)) {
          continue; // absent
        }
        Json rules = Json::array();
        const int count = between(0, 3);
        for (int r = 0; r < count; ++r) {
          rules.push_back(rule(std::string(dir) == "ingress" ? "from" : "to"));
        }
        spec[dir] = rules;
      }
      items.push_back(Json{{"apiVersion", "networking.k8s.io/v1"}, {"kind", "NetworkPolicy"},
                           {"metadata", {{"name", "np" + std::to_string(i)}, {"namespace", ns(between(0, namespaces - 1))}}},
                           {"spec", spec}});
    }
    return Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}.dump();
  }

private:
  static std::string ns(int n) { return "ns" + std::to_string(n); }
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(m_rng); }
  bool chance(double p) { return uniform() < p; }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
  std::string pick(std::initializer_list<const char*> options)
  {
    return *(options.begin() + between(0, static_cast<int>(options.size()) - 1));
  }

  Json selector(bool pods)
  {
    const double kind = uniform();
    if (kind < 0.3) {
      return Json::object();
    }
    if (kind < 0.65) {
      return Json{{"matchLabels", pods ? Json{{"app", pick({"a", "b", "c"})}} : Json{{"team", pick({"x", "y"})}}}};
    }
    const std::string chosen = pick({"In", "NotIn", "Exists", "DoesNotExist"});
    Json expr{{"key", pods ? pick({"app", "tier"}) : pick({"team", "env", "kubernetes.io/metadata.name"})},
              {"operator", chosen}};
    if (chosen == "In" || chosen == "NotIn") {
      expr["values"] = pods ? Json::array({pick({"a", "b", "1"}), pick({"c", "2"})})
                            : Json::array({pick({"x", "prod", "ns0"}), pick({"y", "ns1"})});
    }
    return Json{{"matchExpressions", Json::array({expr})}};
  }

  Json rule(const char* peers_key)
  {
    Json r = Json::object();
    if (chance(0.8)) {
      Json peers = Json::array();
      const int count = between(0, 2);
      for (int i = 0; i < count; ++i) {
        const double kind = uniform();
        if (kind < 0.3) {
          peers.push_back(Json{{"podSelector", selector(true)}});
        } else if (kind < 0.55) {
          peers.push_back(Json{{"namespaceSelector", selector(false)}});
        } else if (kind < 0.8) {
          peers.push_back(Json{{"namespaceSelector", selector(false)}, {"podSelector", selector(true)}});
        } else {
          const double block = uniform();
          peers.push_back(block < 0.4   ? Json{{"ipBlock", {{"cidr", "10.0.0.0/16"}, {"except", Json::array({"10.0.1.0/24"})}}}}
                          : block < 0.7 ? Json{{"ipBlock", {{"cidr", "10.0.2.0/23"}}}}
                          : block < 0.85 ? Json{{"ipBlock", {{"cidr", "fd00::/64"}}}}
                                         : Json{{"ipBlock", {{"cidr", "0.0.0.0/0"}, {"except", Json::array({"10.0.0.0/8"})}}}});
        }
      }
      r[peers_key] = peers;
    }
    if (chance(0.7)) {
      Json ports = Json::array();
      const int count = between(0, 2);
      for (int i = 0; i < count; ++i) {
        const double kind = uniform();
        if (kind < 0.3) {
          ports.push_back(Json{{"port", std::stoi(pick({"80", "443", "8080"}))}});
        } else if (kind < 0.55) {
          ports.push_back(Json{{"port", "http"}});
        } else if (kind < 0.7) {
          ports.push_back(Json{{"port", "dns"}, {"protocol", "UDP"}});
        } else if (kind < 0.85) {
          ports.push_back(Json{{"port", 8000}, {"endPort", 9000}});
        } else {
          ports.push_back(Json{{"protocol", pick({"UDP", "SCTP", "TCP"})}});
        }
      }
      r["ports"] = ports;
    }
    return r;
  }

  std::mt19937 m_rng;
};

// Address grants keyed by their ports, for comparing two evaluations.
std::map<std::string, AddressSet> by_ports(const std::vector<AddressGrant>& grants)
{
  std::map<std::string, AddressSet> out;
  for (const AddressGrant& g : grants) {
    out[g.ports.to_string()].unite(g.addresses);
  }
  return out;
}

std::map<std::string, AddressSet> by_ports(const std::vector<AddressConnection>& connections, std::size_t pod_class)
{
  std::map<std::string, AddressSet> out;
  for (const AddressConnection& c : connections) {
    if (c.pod_class == pod_class) {
      out[c.ports.to_string()].unite(c.addresses);
    }
  }
  return out;
}

} // namespace

TEST_SUITE("netpol/matrix")
{
  TEST_CASE("the class-based matrix equals pairwise evaluation on random clusters")
  {
    std::size_t pods = 0;
    std::size_t classes = 0;
    for (unsigned seed = 1; seed <= 60; ++seed) {
      CAPTURE(seed);
      Generator gen(seed);
      const test::NetpolCluster c(gen.cluster());
      const Engine& engine = *c.engine;
      const Matrix matrix = compute_matrix(engine);
      const auto& endpoints = engine.endpoints();
      REQUIRE(matrix.class_of.size() == endpoints.size());
      pods += endpoints.size();
      classes += matrix.classes.size();
      for (std::size_t i = 0; i < endpoints.size(); ++i) {
        for (std::size_t j = 0; j < endpoints.size(); ++j) {
          const PortSet direct = engine.between(endpoints[i], endpoints[j]).ports;
          const PortSet via = matrix.ports(matrix.class_of[i], matrix.class_of[j]);
          if (direct != via) {
            FAIL_CHECK(endpoints[i].qualified_name() << " -> " << endpoints[j].qualified_name() << ": pairwise "
                                                     << direct.to_string() << ", matrix " << via.to_string());
          }
        }
        for (Direction d : {Direction::egress, Direction::ingress}) {
          const auto direct = by_ports(engine.addresses(endpoints[i], d).grants);
          const auto via = by_ports(d == Direction::egress ? matrix.egress : matrix.ingress, matrix.class_of[i]);
          CHECK(direct == via);
        }
      }
    }
    // The random clusters must exercise the grouping: many pods share classes.
    CHECK(classes < pods);
  }

  TEST_CASE("classes gather pods that no policy tells apart, and keep apart those some policy does")
  {
    const test::NetpolCluster c(
      test::namespace_yaml("w") + test::namespace_yaml("coder") +
      test::pod_yaml("w", "ws1", "{app: ws, id: '1'}", "10.0.0.1") + test::pod_yaml("w", "ws2", "{app: ws, id: '2'}", "10.0.0.2") +
      test::pod_yaml("w", "ws3", "{app: ws, id: '3', gpu: 'yes'}", "10.0.0.3") +
      test::pod_yaml("coder", "coderd", "{app: coderd}", "10.0.1.1", "[{name: http, containerPort: 8080}]") +
      "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: gpu, namespace: w}\n"
      "spec: {podSelector: {matchLabels: {gpu: 'yes'}}, policyTypes: [Egress]}\n");
    const Matrix m = compute_matrix(*c.engine);
    const auto class_of = [&](const std::string& name) {
      return m.class_of[static_cast<std::size_t>(&c.pod(name) - c.engine->endpoints().data())];
    };
    REQUIRE(m.classes.size() == 3);
    CHECK(class_of("w/ws1") == class_of("w/ws2"));
    CHECK(class_of("w/ws1") != class_of("w/ws3"));
    CHECK(m.classes[class_of("w/ws1")].members.size() == 2);
    CHECK(m.ports(class_of("w/ws3"), class_of("coder/coderd")).empty());
    CHECK(m.ports(class_of("w/ws1"), class_of("coder/coderd")).is_all());
  }
}
