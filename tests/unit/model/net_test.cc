// model/net: addresses, networks and hostnames as manifests write them.
#include "model/net.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

// Parses `text`, failing the test when it does not parse.
IpNetwork net(const std::string& text) {
  std::string why;
  auto n = parse_ip_network(text, &why);
  INFO((text + ": " + why));
  REQUIRE(n.has_value());
  return *n;
}

// The explanation parse_ip_network gives for `text` (it must fail).
std::string why_not(const std::string& text) {
  std::string why;
  auto n = parse_ip_network(text, &why);
  CHECK_FALSE(n.has_value());
  return why;
}

TEST_CASE("ipv4 address is a v4 network of one address") {
  IpNetwork n = net("192.0.2.10");
  CHECK(n.v4);
  CHECK(n.prefix_len == 128);
  CHECK(n.to_string() == "192.0.2.10");
  // Stored as ::ffff:192.0.2.10.
  CHECK(n.bytes[10] == 0xff);
  CHECK(n.bytes[11] == 0xff);
  CHECK(n.bytes[12] == 192);
  CHECK(n.bytes[15] == 10);
}

TEST_CASE("ipv6 address is a v6 network of one address") {
  IpNetwork n = net("2001:db8::1");
  CHECK_FALSE(n.v4);
  CHECK(n.prefix_len == 128);
  CHECK(n.to_string() == "2001:db8::1");
  CHECK(n.bytes[0] == 0x20);
  CHECK(n.bytes[1] == 0x01);
  CHECK(n.bytes[15] == 0x01);
}

TEST_CASE("ipv4 cidr keeps its prefix in the 128-bit space and prints it back") {
  IpNetwork n = net("198.51.100.0/28");
  CHECK(n.v4);
  CHECK(n.prefix_len == 96 + 28);
  CHECK(n.to_string() == "198.51.100.0/28");
  CHECK(net("0.0.0.0/0").to_string() == "0.0.0.0/0");
  CHECK(net("192.0.2.7/32").to_string() == "192.0.2.7");  // a full-length prefix is an address
}

TEST_CASE("ipv6 cidr prints back in canonical form") {
  CHECK(net("2001:db8::/32").prefix_len == 32);
  CHECK(net("2001:db8::/32").to_string() == "2001:db8::/32");
  CHECK(net("2001:0db8:0000::/48").to_string() == "2001:db8::/48");
  CHECK(net("::/0").to_string() == "::/0");
}

TEST_CASE("cidr with host bits set names the network address") {
  CHECK(why_not("192.0.2.1/24") == "\"192.0.2.1/24\" has host bits set; the network is 192.0.2.0/24");
  CHECK(why_not("198.51.100.9/28") == "\"198.51.100.9/28\" has host bits set; the network is 198.51.100.0/28");
  CHECK(why_not("2001:db8::1/32") == "\"2001:db8::1/32\" has host bits set; the network is 2001:db8::/32");
}

TEST_CASE("prefix longer than the address family allows is rejected") {
  CHECK(why_not("192.0.2.0/33") == "\"192.0.2.0/33\": prefix length 33 is longer than 32");
  CHECK(why_not("2001:db8::/129") == "\"2001:db8::/129\": prefix length 129 is longer than 128");
}

TEST_CASE("malformed prefix lengths are rejected") {
  CHECK(why_not("192.0.2.0/") == "\"192.0.2.0/\" has an invalid prefix length");
  CHECK(why_not("192.0.2.0/2x") == "\"192.0.2.0/2x\" has an invalid prefix length");
  CHECK(why_not("192.0.2.0/-1") == "\"192.0.2.0/-1\" has an invalid prefix length");
  CHECK(why_not("2001:db8::/1280") == "\"2001:db8::/1280\" has an invalid prefix length");
}

TEST_CASE("text that is not an address is rejected with its own words") {
  CHECK(why_not("192.0.2.300") == "\"192.0.2.300\" is not an IP address or network");
  CHECK(why_not("sbc.example") == "\"sbc.example\" is not an IP address or network");
  CHECK(why_not("") == "\"\" is not an IP address or network");
  CHECK(why_not("2001:db8:::1/64") == "\"2001:db8:::1/64\" is not an IP address or network");
}

TEST_CASE("parse_ip_network without why still fails cleanly") {
  CHECK_FALSE(parse_ip_network("192.0.2.1/24").has_value());
  CHECK_FALSE(parse_ip_network("nope").has_value());
}

TEST_CASE("parse_ip_address takes single addresses only") {
  CHECK(parse_ip_address("192.0.2.1").has_value());
  CHECK(parse_ip_address("::1").has_value());
  CHECK_FALSE(parse_ip_address("192.0.2.0/24").has_value());
  CHECK_FALSE(parse_ip_address("192.0.2").has_value());
}

TEST_CASE("contains checks the prefix bits of ipv4 networks") {
  IpNetwork n = net("198.51.100.0/28");
  CHECK(n.contains(net("198.51.100.0")));
  CHECK(n.contains(net("198.51.100.15")));
  CHECK_FALSE(n.contains(net("198.51.100.16")));
  CHECK_FALSE(n.contains(net("198.51.101.1")));
  CHECK(net("10.0.0.0/8").contains(net("10.255.255.255")));
  CHECK_FALSE(net("10.0.0.0/8").contains(net("11.0.0.0")));
  CHECK(net("0.0.0.0/0").contains(net("203.0.113.7")));
}

TEST_CASE("a single address contains only itself") {
  CHECK(net("192.0.2.10").contains(net("192.0.2.10")));
  CHECK_FALSE(net("192.0.2.10").contains(net("192.0.2.11")));
  CHECK(net("2001:db8::1").contains(net("2001:db8::1")));
  CHECK_FALSE(net("2001:db8::1").contains(net("2001:db8::2")));
}

TEST_CASE("contains checks the prefix bits of ipv6 networks") {
  IpNetwork n = net("2001:db8::/32");
  CHECK(n.contains(net("2001:db8::1")));
  CHECK(n.contains(net("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  CHECK_FALSE(n.contains(net("2001:db9::1")));
  CHECK(net("2001:db8:80::/41").contains(net("2001:db8:ff::1")));
  CHECK_FALSE(net("2001:db8:80::/41").contains(net("2001:db8:7f::1")));
}

TEST_CASE("an ipv4 network does not contain ipv6 addresses") {
  CHECK_FALSE(net("0.0.0.0/0").contains(net("2001:db8::1")));
  CHECK_FALSE(net("192.0.2.0/24").contains(net("::1")));
}

TEST_CASE("hostnames made of letters digits and dashes are valid") {
  CHECK(is_hostname("sbc1.orange.example"));
  CHECK(is_hostname("localhost"));
  CHECK(is_hostname("a-b.example"));
  CHECK(is_hostname("xn--bcher-kva.example"));
  CHECK(is_hostname("123.example"));
  CHECK(is_hostname(std::string(63, 'a') + ".example"));
}

TEST_CASE("hostname with a trailing dot is valid") {
  CHECK(is_hostname("sbc1.orange.example."));
  CHECK_FALSE(is_hostname("sbc1.orange.example.."));
  CHECK_FALSE(is_hostname("."));
}

TEST_CASE("hostname with a label over 63 characters is rejected") {
  CHECK_FALSE(is_hostname(std::string(64, 'a') + ".example"));
  CHECK_FALSE(is_hostname("www." + std::string(64, 'b')));
}

TEST_CASE("hostname over 253 characters is rejected") {
  std::string label(49, 'a');
  std::string name = label + "." + label + "." + label + "." + label + "." + label;  // 249
  CHECK(is_hostname(name));
  CHECK(is_hostname(name + ".abc"));   // 253
  CHECK(is_hostname(name + ".abc."));  // 253 and the final dot
  CHECK_FALSE(is_hostname(name + ".abcd"));  // 254
}

TEST_CASE("hostname labels must not start or end with a dash") {
  CHECK_FALSE(is_hostname("-sbc.example"));
  CHECK_FALSE(is_hostname("sbc-.example"));
  CHECK_FALSE(is_hostname("sbc.-example"));
}

TEST_CASE("hostname with empty labels or other characters is rejected") {
  CHECK_FALSE(is_hostname(""));
  CHECK_FALSE(is_hostname("sbc..example"));
  CHECK_FALSE(is_hostname(".sbc.example"));
  CHECK_FALSE(is_hostname("sbc_1.example"));
  CHECK_FALSE(is_hostname("sbc 1.example"));
  CHECK_FALSE(is_hostname("sbc.example/24"));
}

TEST_CASE("all-numeric names are broken addresses not hostnames") {
  CHECK_FALSE(is_hostname("192.0.2.300"));
  CHECK_FALSE(is_hostname("192.0.2.1"));
  CHECK_FALSE(is_hostname("12345"));
  CHECK_FALSE(is_host("192.0.2.300"));
}

TEST_CASE("is_host accepts addresses and hostnames but not networks") {
  CHECK(is_host("192.0.2.10"));
  CHECK(is_host("2001:db8::1"));
  CHECK(is_host("sbc1.orange.example"));
  CHECK_FALSE(is_host("192.0.2.0/24"));
  CHECK_FALSE(is_host("-bad.example"));
  CHECK_FALSE(is_host(""));
}

}  // namespace
}  // namespace c4
