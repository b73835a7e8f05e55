// The NetworkPolicy engine against small hand-written clusters: one case per rule of
// networking.k8s.io/v1, each with the verdict Kubernetes defines.
#include "netpol_fixture.hpp"

#include <core/netpol/engine.hpp>
#include <core/netpol/query.hpp>

#include <doctest/doctest.h>

using namespace cva;
using namespace cva::netpol;
using cva::test::NetpolCluster;
using cva::test::namespace_yaml;
using cva::test::pod_yaml;

namespace {

// Namespaces a (team=a), b (team=b), c (no labels of its own); a web server and a database in a,
// clients in b, a pod in c, a hostNetwork agent in c and an IPv6 pod in c.
std::string base()
{
  return namespace_yaml("a", "{team: a}") + namespace_yaml("b", "{team: b}") + namespace_yaml("c") +
         pod_yaml("a", "web", "{app: web}", "10.0.1.1",
                  "[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}, "
                  "{name: dns, containerPort: 5353, protocol: UDP}]") +
         pod_yaml("a", "db", "{app: db}", "10.0.1.2", "[{name: pg, containerPort: 5432}]") +
         pod_yaml("b", "client", "{app: client}", "10.0.2.1") + pod_yaml("b", "batch", "{app: batch}", "10.0.2.2") +
         pod_yaml("c", "other", "{app: other}", "10.0.3.1") +
         pod_yaml("c", "agent", "{app: agent}", "192.168.0.10", "[]", true) +
         pod_yaml("c", "six", "{app: six}", "fd00::5");
}

std::string policy(const std::string& ns, const std::string& name, const std::string& spec)
{
  return fmt::format("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {}\n  "
                     "namespace: {}\nspec: {}\n",
                     name, ns, spec);
}

PortSet tcp(std::uint32_t port)
{
  return PortSet::single(Protocol::tcp, port);
}

} // namespace

TEST_SUITE("netpol/engine")
{
  TEST_CASE("without policies every connection is allowed")
  {
    const NetpolCluster c(base());
    CHECK(c.ports("b/client", "a/web").is_all());
    CHECK(c.verdict("b/client", "a/web", "8080") == Verdict::allowed);
    CHECK(c.verdict("a/web", "203.0.113.0/24", "443") == Verdict::allowed);
  }

  TEST_CASE("policyTypes absent: Ingress is implied, and isolates with no rules")
  {
    const NetpolCluster c(base() + policy("a", "deny", "{podSelector: {}}"));
    CHECK(c.ports("b/client", "a/web").empty());
    CHECK(c.ports("a/db", "a/web").empty());
    CHECK(c.ports("a/web", "b/client").is_all()); // egress is not isolated
    const Answer a = c.ask("b/client", "a/web", "8080");
    CHECK(a.verdict == Verdict::denied);
    REQUIRE(a.legs.size() == 1);
    REQUIRE(a.legs[0].ingress_denied_by.size() == 1);
    CHECK(a.legs[0].ingress_denied_by[0]->name == "deny");
    CHECK(a.legs[0].egress_denied_by.empty());
  }

  TEST_CASE("policyTypes absent with egress rules implies Egress too")
  {
    const NetpolCluster c(base() + policy("b", "out", R"({podSelector: {}, egress: [{to: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: web}}}]}]})"));
    CHECK(c.ports("b/client", "a/web").is_all());
    CHECK(c.ports("b/client", "a/db").empty());
    CHECK(c.ports("b/client", "c/other").empty());
    CHECK(c.ports("a/web", "b/client").empty()); // Ingress is implied as well, with no rule
  }

  TEST_CASE("explicit policyTypes [Ingress] ignores egress rules")
  {
    const NetpolCluster c(base() + policy("b", "in-only", R"({podSelector: {}, policyTypes: [Ingress], ingress: [{}], egress: [{to: [{podSelector: {matchLabels: {app: nothing}}}]}]})"));
    CHECK(c.ports("b/client", "c/other").is_all());
    CHECK(c.ports("c/other", "b/client").is_all());
  }

  TEST_CASE("explicit policyTypes [Egress] leaves ingress open")
  {
    const NetpolCluster c(base() + policy("b", "no-out", "{podSelector: {}, policyTypes: [Egress]}"));
    CHECK(c.ports("b/client", "a/web").empty());
    CHECK(c.ports("b/client", "b/batch").empty()); // within the namespace too
    CHECK(c.ports("a/web", "b/client").is_all());
  }

  TEST_CASE("empty versus absent: an empty rule, an empty from list and empty ports all allow everything")
  {
    for (const char* rule : {"{}", "{from: []}", "{ports: []}", "{from: [], ports: []}"}) {
      CAPTURE(rule);
      const NetpolCluster c(base() + policy("a", "open", fmt::format("{{podSelector: {{}}, ingress: [{}]}}", rule)));
      CHECK(c.ports("b/client", "a/web").is_all());
      CHECK(c.ports("c/agent", "a/web").is_all());
      CHECK(c.verdict("203.0.113.9", "a/web", "8080") == Verdict::allowed);
    }
    // An empty ingress list (as opposed to a list with an empty rule) allows nothing.
    const NetpolCluster none(base() + policy("a", "closed", "{podSelector: {}, ingress: []}"));
    CHECK(none.ports("b/client", "a/web").empty());
  }

  TEST_CASE("a policy selects only the pods its podSelector matches, in its own namespace")
  {
    const NetpolCluster c(base() + policy("a", "web-only", "{podSelector: {matchLabels: {app: web}}}"));
    CHECK(c.ports("b/client", "a/web").empty());
    CHECK(c.ports("b/client", "a/db").is_all());
    const NetpolCluster other(base() + policy("b", "elsewhere", "{podSelector: {matchLabels: {app: web}}}"));
    CHECK(other.ports("b/client", "a/web").is_all());
  }

  TEST_CASE("a podSelector peer means pods of the policy's namespace")
  {
    const NetpolCluster c(base() + policy("a", "same-ns", "{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}"));
    CHECK(c.ports("a/db", "a/web").is_all());
    CHECK(c.ports("a/web", "a/web").is_all()); // a pod to itself follows the same rules
    CHECK(c.ports("b/client", "a/web").empty());
  }

  TEST_CASE("a namespaceSelector peer means every pod of the matching namespaces")
  {
    const NetpolCluster c(base() + policy("a", "from-b", "{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]}"));
    CHECK(c.ports("b/client", "a/web").is_all());
    CHECK(c.ports("b/batch", "a/web").is_all());
    CHECK(c.ports("c/other", "a/web").empty());
    CHECK(c.ports("a/db", "a/web").empty()); // not even the policy's own namespace
    const NetpolCluster all(base() + policy("a", "from-all", "{podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}"));
    CHECK(all.ports("c/other", "a/web").is_all());
    CHECK(all.ports("a/db", "a/web").is_all());
    CHECK(all.verdict("203.0.113.9", "a/web", "8080") == Verdict::denied); // pods only, no outside address
  }

  TEST_CASE("namespaceSelector and podSelector in one peer both apply; in two peers either does")
  {
    const NetpolCluster both(base() + policy("a", "both", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: client}}}]}]})"));
    CHECK(both.ports("b/client", "a/web").is_all());
    CHECK(both.ports("b/batch", "a/web").empty());
    const NetpolCluster either(base() + policy("a", "either", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}, {podSelector: {matchLabels: {app: db}}}]}]})"));
    CHECK(either.ports("b/batch", "a/web").is_all());
    CHECK(either.ports("a/db", "a/web").is_all());
    CHECK(either.ports("c/other", "a/web").empty());
  }

  TEST_CASE("matchExpressions: In, NotIn, Exists, DoesNotExist")
  {
    const auto with = [](const std::string& expression) {
      return NetpolCluster(base() + policy("a", "expr", fmt::format("{{podSelector: {{}}, ingress: [{{from: [{{namespaceSelector: {{matchExpressions: [{}]}}}}]}}]}}", expression)));
    };
    const NetpolCluster in = with("{key: team, operator: In, values: [b, z]}");
    CHECK(in.ports("b/client", "a/web").is_all());
    CHECK(in.ports("c/other", "a/web").empty());
    const NetpolCluster not_in = with("{key: team, operator: NotIn, values: [b]}");
    CHECK(not_in.ports("b/client", "a/web").empty());
    CHECK(not_in.ports("c/other", "a/web").is_all()); // a missing key satisfies NotIn
    CHECK(not_in.ports("a/db", "a/web").is_all());
    const NetpolCluster exists = with("{key: team, operator: Exists}");
    CHECK(exists.ports("b/client", "a/web").is_all());
    CHECK(exists.ports("c/other", "a/web").empty());
    const NetpolCluster absent = with("{key: team, operator: DoesNotExist}");
    CHECK(absent.ports("b/client", "a/web").empty());
    CHECK(absent.ports("c/other", "a/web").is_all());
  }

  TEST_CASE("kubernetes.io/metadata.name is present on every namespace even when the manifest lacks it")
  {
    const NetpolCluster c(base() + policy("a", "by-name", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: c}}}]}]})"));
    CHECK(c.ports("c/other", "a/web").is_all());
    CHECK(c.ports("b/client", "a/web").empty());
  }

  TEST_CASE("ipBlock with except, for pods and outside addresses")
  {
    const NetpolCluster c(base() + policy("a", "cidr", R"({podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]}]})"));
    CHECK(c.ports("c/other", "a/web").is_all()); // 10.0.3.1
    CHECK(c.ports("b/client", "a/web").empty()); // 10.0.2.1 is excepted
    CHECK(c.verdict("10.0.9.9", "a/web", "8080") == Verdict::allowed);
    CHECK(c.verdict("10.0.2.5", "a/web", "8080") == Verdict::denied);
    CHECK(c.verdict("8.8.8.8", "a/web", "8080") == Verdict::denied);
    CHECK(c.verdict("10.0.0.0/8", "a/web", "8080") == Verdict::partial);
    const Answer a = c.ask("10.0.0.0/8", "a/web", "8080");
    REQUIRE(a.legs.size() == 1);
    CHECK(a.legs[0].reachable.to_string() == "10.0.0.0/16 except 10.0.2.0/24");
  }

  TEST_CASE("ipBlock with IPv6 addresses")
  {
    const NetpolCluster c(base() + policy("a", "v6", R"({podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 'fd00::/64', except: ['fd00::5/128']}}]}]})"));
    CHECK(c.ports("c/six", "a/web").empty());
    CHECK(c.verdict("fd00::6", "a/web", "8080") == Verdict::allowed);
    CHECK(c.verdict("fd00:0:0:1::6", "a/web", "8080") == Verdict::denied);
    CHECK(c.verdict("10.0.9.9", "a/web", "8080") == Verdict::denied); // IPv4 is not in an IPv6 block
  }

  TEST_CASE("named ports resolve against the destination pod, with the rule's protocol")
  {
    const NetpolCluster in(base() + policy("a", "named", "{podSelector: {}, ingress: [{ports: [{port: http}]}]}"));
    CHECK(in.ports("b/client", "a/web") == tcp(8080));
    CHECK(in.ports("b/client", "a/db").empty()); // db has no port named http
    const NetpolCluster proto(base() + policy("a", "named", "{podSelector: {}, ingress: [{ports: [{port: dns}]}]}"));
    CHECK(proto.ports("b/client", "a/web").empty()); // dns is a UDP port; the rule means TCP
    const NetpolCluster udp(base() + policy("a", "named", "{podSelector: {}, ingress: [{ports: [{port: dns, protocol: UDP}]}]}"));
    CHECK(udp.ports("b/client", "a/web") == PortSet::single(Protocol::udp, 5353));
    const NetpolCluster out(base() + policy("b", "egress-named", "{podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: pg}]}]}"));
    CHECK(out.ports("b/client", "a/db") == tcp(5432));
    CHECK(out.ports("b/client", "a/web").empty());
    CHECK(out.verdict("b/client", "203.0.113.9", "5432") == Verdict::denied); // an address has no named ports
  }

  TEST_CASE("endPort opens a range")
  {
    const NetpolCluster c(base() + policy("a", "range", "{podSelector: {}, ingress: [{ports: [{port: 8000, endPort: 8100}]}]}"));
    CHECK(c.ports("b/client", "a/web") == PortSet::range(Protocol::tcp, 8000, 8100));
    CHECK(c.verdict("b/client", "a/web", "8080") == Verdict::allowed);
    CHECK(c.verdict("b/client", "a/web", "8101") == Verdict::denied);
  }

  TEST_CASE("protocols: TCP by default, UDP and SCTP when named, every port of a protocol without a port")
  {
    const NetpolCluster c(base() + policy("a", "protocols", R"({podSelector: {}, ingress: [{ports: [{port: 53, protocol: UDP}, {port: 7000, protocol: SCTP}, {port: 443}]}]})"));
    CHECK(c.verdict("b/client", "a/web", "53/UDP") == Verdict::allowed);
    CHECK(c.verdict("b/client", "a/web", "53/TCP") == Verdict::denied);
    CHECK(c.verdict("b/client", "a/web", "7000/SCTP") == Verdict::allowed);
    CHECK(c.verdict("b/client", "a/web", "443") == Verdict::allowed);
    CHECK(c.verdict("b/client", "a/web", "443/UDP") == Verdict::denied);
    const NetpolCluster udp(base() + policy("a", "all-udp", "{podSelector: {}, ingress: [{ports: [{protocol: UDP}]}]}"));
    CHECK(udp.ports("b/client", "a/web") == PortSet::every(Protocol::udp));
  }

  TEST_CASE("hostNetwork pods are outside policy: never isolated, matched only by ipBlock")
  {
    const NetpolCluster c(base() + policy("c", "deny-all", "{podSelector: {}, policyTypes: [Ingress, Egress]}"));
    CHECK(c.ports("c/agent", "a/web").is_all()); // the agent is not isolated for egress
    CHECK(c.ports("a/web", "c/agent").is_all()); // nor for ingress
    CHECK(c.ports("c/other", "c/agent").empty()); // other is isolated
    const NetpolCluster sel(base() + policy("c", "pods", "{podSelector: {matchLabels: {app: other}}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}"));
    CHECK(sel.ports("c/other", "c/agent").empty()); // podSelector {} does not match a hostNetwork pod
    CHECK(sel.ports("c/agent", "c/other").empty());
    const NetpolCluster ip(base() + policy("c", "node", "{podSelector: {matchLabels: {app: other}}, policyTypes: [Ingress, Egress], ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/24}}]}], egress: [{to: [{ipBlock: {cidr: 192.168.0.0/24}}]}]}"));
    CHECK(ip.ports("c/other", "c/agent").is_all());
    CHECK(ip.ports("c/agent", "c/other").is_all());
  }

  TEST_CASE("a connection needs the source's egress and the destination's ingress")
  {
    const std::string egress = policy("b", "to-web", R"({podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {matchLabels: {team: a}}}], ports: [{port: 8080}]}]})");
    const std::string ingress = policy("a", "web-in", R"({podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: c}}}]}]})");
    const NetpolCluster c(base() + egress + ingress);
    CHECK(c.ports("b/client", "a/db") == tcp(8080));
    CHECK(c.ports("b/client", "a/web").empty());
    const Answer a = c.ask("b/client", "a/web", "8080");
    REQUIRE(a.legs.size() == 1);
    CHECK(a.legs[0].egress_denied_by.empty());
    REQUIRE(a.legs[0].allowed_by.size() == 1);
    CHECK(a.legs[0].allowed_by[0]->name == "to-web");
    REQUIRE(a.legs[0].ingress_denied_by.size() == 1);
    CHECK(a.legs[0].ingress_denied_by[0]->name == "web-in");
  }

  TEST_CASE("policies selecting the same pod add up")
  {
    const NetpolCluster c(base() + policy("a", "p1", R"({podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: client}}}], ports: [{port: 8080}]}]})") +
                          policy("a", "p2", R"({podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: db}}}], ports: [{port: metrics}]}]})"));
    CHECK(c.ports("b/client", "a/web") == tcp(8080));
    CHECK(c.ports("a/db", "a/web") == tcp(9090));
    CHECK(c.ports("b/client", "a/db").empty());
  }

  TEST_CASE("Services: through the selector and a named or numeric targetPort")
  {
    const std::string services = R"(---
apiVersion: v1
kind: Service
metadata: {name: websvc, namespace: a}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}, {name: raw, port: 81, targetPort: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: a}
spec: {ports: [{port: 80}]}
)";
    const NetpolCluster c(base() + services + policy("a", "web-in", "{podSelector: {}, ingress: [{ports: [{port: 8080}]}]}"));
    const Answer http = c.ask("b/client", "a/websvc", "80");
    CHECK(http.verdict == Verdict::allowed);
    REQUIRE(http.legs.size() == 1);
    CHECK(http.legs[0].wanted == tcp(8080));
    CHECK(http.legs[0].to == "pod a/web");
    CHECK(c.verdict("b/client", "a/websvc", "81") == Verdict::denied);
    CHECK(c.verdict("b/client", "a/websvc") == Verdict::partial); // both ports asked, one allowed
    CHECK(c.verdict("b/client", "a/manual", "80") == Verdict::unknown); // no selector
    auto f = resolve_target(*c.engine, "b/client");
    auto t = resolve_target(*c.engine, "a/websvc");
    REQUIRE((f && t));
    const auto bad = ask(*c.engine, *f, *t, PortQuery{Protocol::tcp, 8080});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message == "Service a/websvc has no port 8080/TCP (its ports: 80/TCP, 81/TCP)");
  }

  TEST_CASE("egress to addresses: rules split into disjoint ranges")
  {
    const NetpolCluster c(base() + policy("b", "out", R"({podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}, {to: [{ipBlock: {cidr: 10.1.0.0/16}}]}]})"));
    const AddressVerdict v = c.engine->addresses(c.pod("b/client"), Direction::egress);
    CHECK(v.isolated);
    CHECK(v.ports_for(*parse_ip("8.8.8.8")) == tcp(443));
    CHECK(v.ports_for(*parse_ip("10.1.2.3")).is_all());
    CHECK(v.ports_for(*parse_ip("10.2.0.1")).empty());
    CHECK(v.ports_for(*parse_ip("fd00::1")).empty());
    CHECK(c.verdict("b/client", "10.1.0.0/16", "22") == Verdict::allowed);
    CHECK(c.verdict("b/client", "0.0.0.0/0", "443") == Verdict::partial);
    CHECK(c.verdict("b/client", "10.0.3.1", "443") == Verdict::denied); // c/other: a pod, so pod rules apply
  }

  TEST_CASE("policies the API server would refuse are skipped and reported")
  {
    const NetpolCluster c(base() + policy("a", "bad-cidr", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}") +
                          policy("a", "bad-op", "{podSelector: {matchExpressions: [{key: a, operator: Near}]}}") +
                          policy("a", "bad-peer", "{podSelector: {}, ingress: [{from: [{}]}]}") +
                          policy("a", "bad-mix", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}") +
                          policy("a", "bad-end", "{podSelector: {}, ingress: [{ports: [{port: http, endPort: 90}]}]}") +
                          policy("a", "bad-type", "{podSelector: {}, policyTypes: [Sideways]}") +
                          policy("a", "bad-except", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]}]}") +
                          policy("a", "bad-rule", "{podSelector: {}, ingress: [allow-all]}"));
    CHECK(c.engine->policies().empty());
    REQUIRE(c.engine->problems().size() == 8);
    const auto& problems = c.engine->problems();
    CHECK(std::find(problems.begin(), problems.end(), "NetworkPolicy a/bad-rule: spec.ingress[0] is not an object") !=
          problems.end());
    CHECK(c.engine->problems()[0].starts_with("NetworkPolicy a/bad-cidr: spec.ingress[0].from: ipBlock: invalid CIDR"));
    CHECK(c.ports("b/client", "a/web").is_all());
  }

  TEST_CASE("peers that the input cannot decide make a verdict unknown, not denied")
  {
    // Namespace d is not in the input, so its labels other than its name are unknown.
    const std::string extra = pod_yaml("d", "stranger", "{app: stranger}", "10.0.4.1") + pod_yaml("b", "pending", "{app: pending}", "");
    const NetpolCluster c(base() + extra + policy("a", "by-team", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: d}}}, {ipBlock: {cidr: 10.0.2.0/24}}]}]})"));
    const Answer a = c.ask("d/stranger", "a/web", "8080");
    CHECK(a.verdict == Verdict::unknown);
    REQUIRE(a.legs.size() == 1);
    REQUIRE(a.legs[0].doubts.size() == 1);
    CHECK(a.legs[0].doubts[0].find("labels of namespace d are not in the input") != std::string::npos);
    CHECK(c.verdict("b/pending", "a/web", "8080") == Verdict::unknown); // no IP for the ipBlock
    CHECK(c.verdict("b/client", "a/web", "8080") == Verdict::allowed);
    CHECK(c.verdict("c/other", "a/web", "8080") == Verdict::denied); // c is known and lacks team=d
    // A selector on the name alone is decided even for an unlisted namespace.
    const NetpolCluster named(base() + extra + policy("a", "by-name", R"({podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: d}}}]}]})"));
    CHECK(named.verdict("d/stranger", "a/web", "8080") == Verdict::allowed);
  }

  TEST_CASE("finished pods hold no connections")
  {
    const std::string done = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: job, namespace: b, labels: {app: job}}\n"
                             "spec: {containers: [{name: main, image: x}]}\nstatus: {phase: Succeeded, podIP: 10.0.2.9}\n";
    const NetpolCluster c(base() + done);
    auto t = resolve_target(*c.engine, "b/job");
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error().message == "pod b/job has finished (phase Succeeded) and holds no connection");
  }

  TEST_CASE("targets: pods, Services, workloads, addresses; errors name the text")
  {
    const NetpolCluster c(base());
    CHECK(resolve_target(*c.engine, "10.0.1.1")->description == "pod a/web"); // a pod's address is the pod
    CHECK(resolve_target(*c.engine, "192.168.0.10")->kind == Target::Kind::addresses); // hostNetwork: the node
    CHECK(resolve_target(*c.engine, "10.0.0.0/8")->description == "10.0.0.0/8");
    CHECK(resolve_target(*c.engine, "a/nothing").error().message == "no pod, Service or workload named a/nothing in the input");
    CHECK(resolve_target(*c.engine, "web").error().message == "\"web\" is neither NAMESPACE/NAME nor an address or CIDR");
    CHECK(parse_port_query("53/udp")->to_string() == "53/UDP");
    CHECK(parse_port_query("70000").error().message == "invalid port \"70000\": out of range 1-65535");
    CHECK(parse_port_query("http").error().message == "invalid port \"http\": expected N or N/PROTOCOL");
  }
}
