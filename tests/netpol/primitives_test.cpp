// Addresses, CIDRs, address and port sets: the arithmetic under the engine.
#include <core/netpol/address.hpp>
#include <core/netpol/interval_set.hpp>
#include <core/netpol/ports.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <set>

using namespace cva::netpol;

TEST_SUITE("netpol/primitives")
{
  TEST_CASE("parses and prints IPv4 and IPv6 addresses")
  {
    CHECK(parse_ip("10.0.2.1")->to_string() == "10.0.2.1");
    CHECK(parse_ip("255.255.255.255")->value == 0xffffffffU);
    CHECK(parse_ip("2001:db8::1")->to_string() == "2001:db8::1");
    CHECK(parse_ip("2001:0DB8:0:0:0:0:0:1")->to_string() == "2001:db8::1");
    CHECK(parse_ip("::")->to_string() == "::");
    CHECK(parse_ip("::1")->to_string() == "::1");
    CHECK(parse_ip("fd00:0:0:1::6")->to_string() == "fd00:0:0:1::6");
    CHECK(parse_ip("1:0:0:2:0:0:0:3")->to_string() == "1:0:0:2::3"); // the longest run of zeros
    CHECK(parse_ip("::ffff:10.0.0.1")->to_string() == "::ffff:a00:1");
    for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.01", "1.2.3.4.5", "::1::", "12345::", "g::1",
                            "1:2:3:4:5:6:7:8:9", "10.0.0.1 "}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_ip(bad).has_value());
    }
  }

  TEST_CASE("parses CIDRs, clearing host bits, and refuses bad ones with the text")
  {
    CHECK(parse_cidr("10.1.2.3/8")->to_string() == "10.0.0.0/8");
    CHECK(parse_cidr("0.0.0.0/0")->last() == 0xffffffffU);
    CHECK(parse_cidr("fd00::5/128")->to_string() == "fd00::5/128");
    CHECK(parse_cidr("fd00::/0")->to_string() == "::/0");
    CHECK(parse_cidr("10.0.0.1", true)->to_string() == "10.0.0.1/32");
    CHECK(parse_cidr("10.0.0.1").error().message == "invalid CIDR \"10.0.0.1\": expected address/prefix");
    CHECK(parse_cidr("10.0.0.0/33").error().message == "invalid CIDR \"10.0.0.0/33\": prefix longer than 32 bits");
    CHECK(parse_cidr("10.0.0.0/").error().message == "invalid CIDR \"10.0.0.0/\": bad prefix length");
    CHECK(parse_cidr("x/8").error().message == "invalid CIDR \"x/8\"");
  }

  TEST_CASE("address sets: union, intersection, difference and the ipBlock form")
  {
    const AddressSet all4 = AddressSet::of(*parse_cidr("0.0.0.0/0"));
    const AddressSet ten = AddressSet::of(*parse_cidr("10.0.0.0/8"));
    const AddressSet meta = AddressSet::of(*parse_ip("169.254.169.254"));
    const AddressSet outside = all4.subtract(ten).subtract(meta);
    CHECK(outside.to_string() == "0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32");
    CHECK_FALSE(outside.contains(*parse_ip("10.9.9.9")));
    CHECK(outside.contains(*parse_ip("11.0.0.0")));
    AddressSet back = outside;
    CHECK(back.unite(ten).unite(meta) == all4);
    CHECK(ten.intersect(outside).empty());
    CHECK(AddressSet::all().to_string() == "any address");
    CHECK(AddressSet::none().to_string() == "no address");
    CHECK(all4.to_string() == "0.0.0.0/0");
    // Two adjacent blocks merge into their common CIDR.
    AddressSet pair = AddressSet::of(*parse_cidr("10.0.0.0/25"));
    pair.unite(AddressSet::of(*parse_cidr("10.0.0.128/25")));
    CHECK(pair.to_string() == "10.0.0.0/24");
    // An unaligned range is written as the fewest CIDRs.
    AddressSet odd = AddressSet::of(*parse_cidr("10.0.0.1/32"));
    odd.unite(AddressSet::of(*parse_cidr("10.0.0.2/31")));
    CHECK(odd.to_string() == "10.0.0.1/32; 10.0.0.2/31");
    const AddressSet v6 = AddressSet::of(*parse_cidr("::/0")).subtract(AddressSet::of(*parse_cidr("fd00::/8")));
    CHECK(v6.to_string() == "::/0 except fd00::/8");
    CHECK(v6.to_json().dump() == R"([{"cidr":"::/0","except":["fd00::/8"]}])");
  }

  TEST_CASE("port sets: ranges per protocol, printed for people and as JSON")
  {
    PortSet p = PortSet::single(Protocol::tcp, 443);
    p.unite(PortSet::range(Protocol::tcp, 8000, 8080)).unite(PortSet::single(Protocol::udp, 53));
    CHECK(p.to_string() == "TCP 443, TCP 8000-8080, UDP 53");
    CHECK(p.contains(Protocol::tcp, 8042));
    CHECK_FALSE(p.contains(Protocol::udp, 443));
    CHECK(p.to_json().dump() ==
          R"([{"port":443,"protocol":"TCP"},{"end_port":8080,"port":8000,"protocol":"TCP"},{"port":53,"protocol":"UDP"}])");
    CHECK(PortSet::all().to_string() == "all");
    CHECK(PortSet::none().to_string() == "none");
    CHECK(PortSet::every(Protocol::sctp).to_string() == "SCTP all");
    CHECK(PortSet::all().subtract(PortSet::every(Protocol::udp)).subtract(PortSet::every(Protocol::sctp)) ==
          PortSet::every(Protocol::tcp));
    CHECK(p.covers(PortSet::single(Protocol::tcp, 8000)));
    CHECK_FALSE(p.covers(PortSet::range(Protocol::tcp, 8000, 8081)));
    CHECK(parse_protocol("sctp") == Protocol::sctp);
    CHECK_FALSE(parse_protocol("icmp").has_value());
  }

  TEST_CASE("interval sets agree with a plain set of values on random operations")
  {
    // Small domain, so the reference can hold every value; the top value exercises the edge.
    std::mt19937 rng(20261127);
    std::uniform_int_distribution<int> value(0, 255);
    const auto random_set = [&](IntervalSet<std::uint8_t>& s, std::set<int>& ref) {
      for (int i = 0; i < 4; ++i) {
        int lo = value(rng);
        int hi = value(rng);
        if (lo > hi) {
          std::swap(lo, hi);
        }
        s.unite(IntervalSet<std::uint8_t>(static_cast<std::uint8_t>(lo), static_cast<std::uint8_t>(hi)));
        for (int v = lo; v <= hi; ++v) {
          ref.insert(v);
        }
      }
    };
    for (int round = 0; round < 200; ++round) {
      IntervalSet<std::uint8_t> a;
      IntervalSet<std::uint8_t> b;
      std::set<int> ra;
      std::set<int> rb;
      random_set(a, ra);
      random_set(b, rb);
      const auto inter = a.intersect(b);
      const auto diff = a.subtract(b);
      IntervalSet<std::uint8_t> uni = a;
      uni.unite(b);
      for (int v = 0; v <= 255; ++v) {
        const auto x = static_cast<std::uint8_t>(v);
        CAPTURE(round);
        CAPTURE(v);
        REQUIRE(a.contains(x) == ra.contains(v));
        REQUIRE(inter.contains(x) == (ra.contains(v) && rb.contains(v)));
        REQUIRE(diff.contains(x) == (ra.contains(v) && !rb.contains(v)));
        REQUIRE(uni.contains(x) == (ra.contains(v) || rb.contains(v)));
      }
      // Canonical form: disjoint, sorted, not adjacent.
      const auto& items = uni.intervals();
      for (std::size_t i = 1; i < items.size(); ++i) {
        REQUIRE(items[i - 1].second + 1 < items[i].first);
      }
    }
  }
}
