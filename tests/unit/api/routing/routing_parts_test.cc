// The routing library's small parts: SIP URIs, source tables, secrets, the number tables.
#include <algorithm>
#include <cstdlib>
#include <random>

#include "api/routing/flat_map.h"
#include "api/routing/sip_uri.h"
#include "api/routing/source_table.h"
#include "routing_support.h"

namespace c4::routing {

TEST_CASE("SIP URIs give their user host and port") {
  auto u = parse_sip_uri("\"Alice\" <sip:+33140000000;npdi@Example.COM:5080;user=phone>");
  REQUIRE(u);
  CHECK(u->user == "+33140000000");
  CHECK(u->host == "example.com");
  CHECK(u->port == 5080);
  auto v6 = parse_sip_uri("sips:100@[2001:db8::1]:5061");
  REQUIRE(v6);
  CHECK(v6->host == "2001:db8::1");
  CHECK(host_port(v6->host, 5061) == "[2001:db8::1]:5061");
  auto tel = parse_sip_uri("tel:+33140000000;phone-context=x");
  REQUIRE(tel);
  CHECK(tel->user == "+33140000000");
  CHECK_FALSE(parse_sip_uri("http://example.com"));
  CHECK_FALSE(parse_sip_uri("sip:100@host:99999"));
  CHECK_FALSE(parse_sip_uri("sip:100@"));
}

TEST_CASE("source tables find the most specific network for IPv4 and IPv6") {
  SourceTable t;
  t.add(*parse_ip_network("198.51.100.0/24"), 1);
  t.add(*parse_ip_network("198.51.100.48/29"), 2);
  t.add(*parse_ip_network("2001:db8::/32"), 3);
  auto hits = t.lookup(*parse_ip_address("198.51.100.49"));
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].owner == 2);
  CHECK(hits[1].owner == 1);
  CHECK(t.lookup(*parse_ip_address("198.51.100.1")).size() == 1);
  auto v6 = t.lookup(*parse_ip_address("2001:db8:5::1"));
  REQUIRE(v6.size() == 1);
  CHECK(v6[0].owner == 3);
  CHECK(t.lookup(*parse_ip_address("203.0.113.1")).empty());
}

// Every network of the table that contains the address, longest prefix first (ties in the
// order added), each owner once with its most specific network: the contract, by brute force.
std::vector<std::pair<uint32_t, std::string>> containing_networks(
    const std::vector<std::pair<IpNetwork, uint32_t>>& added, const IpNetwork& address) {
  std::vector<std::pair<IpNetwork, uint32_t>> hits;
  for (const auto& a : added)
    if (a.first.contains(address)) hits.push_back(a);
  std::stable_sort(hits.begin(), hits.end(),
                   [](const auto& x, const auto& y) { return x.first.prefix_len > y.first.prefix_len; });
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const auto& hit : hits) {  // no structured binding: the lambda takes it (clang 14)
    const auto& owner = hit.second;
    if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.first == owner; }))
      out.push_back({owner, "source " + hit.first.to_string()});
  }
  return out;
}

TEST_CASE("source tables added in any order of prefix lengths answer like a scan of every network") {
  std::mt19937 rng(5);
  for (int round = 0; round < 40; ++round) {
    SourceTable table;
    std::vector<std::pair<IpNetwork, uint32_t>> added;
    for (int i = 0; i < 60; ++i) {
      int bits = std::uniform_int_distribution<int>(8, 32)(rng);
      uint32_t host = 0xC6330000u | (rng() & 0x1FFu);  // 198.51.0.0 – 198.51.1.255: networks overlap
      uint32_t net = bits == 32 ? host : host & ~((1u << (32 - bits)) - 1);
      std::string text = std::to_string(net >> 24) + "." + std::to_string((net >> 16) & 255) + "." +
                         std::to_string((net >> 8) & 255) + "." + std::to_string(net & 255) + "/" + std::to_string(bits);
      auto network = parse_ip_network(text);
      REQUIRE_MESSAGE(network, text);
      auto owner = static_cast<uint32_t>(rng() % 20);
      table.add(*network, owner);
      added.push_back({*network, owner});
    }
    for (int probe = 0; probe < 50; ++probe) {
      uint32_t a = 0xC6330000u | (rng() & 0x3FFu);
      auto address = parse_ip_address(std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
                                      std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255));
      REQUIRE(address);
      std::vector<std::pair<uint32_t, std::string>> got;
      for (const auto& hit : table.lookup(*address)) got.push_back({hit.owner, *hit.label});
      CHECK(got == containing_networks(added, *address));
    }
  }
}

TEST_CASE("an IPBX is recognised by an IPv6 source") {
  auto s = test::compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: v6, tenant: acme}
spec: {host: "2001:db8::10", allowedSources: ["2001:db8::/48"]}
)");
  auto c = identify_caller(*s, test::call("2001:db8:0:1::5", "100", "200"), CallerMatching::strict);
  REQUIRE(c.kind == Caller::Kind::ipbx);
  CHECK(caller_meta(*s, c)->name == "v6");
  CHECK(c.matched_by == "source 2001:db8::/48");
}

TEST_CASE("secrets come from the environment or a file the policy allows") {
  c4::test::TempDir dir;
  auto file = dir.write("pw", "from-file\n");
  ::setenv("C4_SECRET_ROUTING_TEST", "from-env", 1);
  auto policy = SecretPolicy::create({{dir.path().string()}, "C4_SECRET_", {}}, SecretPolicy::Dirs::must_exist);
  REQUIRE(policy.is_ok());
  SecretRef env{SecretRef::Source::env, "C4_SECRET_ROUTING_TEST", {}};
  SecretRef in_file{SecretRef::Source::file, file.string(), {}};
  SecretRef missing{SecretRef::Source::env, "C4_SECRET_ROUTING_TEST_NO_SUCH", {}};
  CHECK(policy->read(env).value() == "from-env");
  CHECK(policy->read(in_file).value() == "from-file");
  CHECK(policy->read(missing).status().message() == "environment variable C4_SECRET_ROUTING_TEST_NO_SUCH is not set");
  SecretRef no_file{SecretRef::Source::file, (dir.path() / "none").string(), {}};
  CHECK(policy->read(no_file).status().code() == Status::Code::not_found);
}

TEST_CASE("the flat number table finds every key it holds and no other") {
  FlatU64Map m;
  m.reserve(1000);
  for (uint64_t k = 33140000000; k < 33140001000; ++k) m.insert(k, static_cast<uint32_t>(k % 1000));
  CHECK(m.size() == 1000);
  for (uint64_t k = 33140000000; k < 33140001000; ++k) CHECK(m.find(k) == std::optional<uint32_t>(k % 1000));
  CHECK_FALSE(m.find(33140001000));
  CHECK_FALSE(m.find(0));
  m.insert(33140000000, 7);  // replaces
  CHECK(m.find(33140000000) == std::optional<uint32_t>(7));
  CHECK(m.size() == 1000);
}

}  // namespace c4::routing
