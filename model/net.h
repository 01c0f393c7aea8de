// Network values found in manifests: IP addresses, networks (CIDR) and hostnames.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4 {

// An IPv4 or IPv6 network. A single address is a network with a full-length prefix.
// IPv4 is stored as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so one lookup structure
// serves both families.
struct IpNetwork {
  std::array<uint8_t, 16> bytes{};
  uint8_t prefix_len = 128;  // in the 128-bit space; IPv4 /24 is 120
  bool v4 = false;

  // True when `address` (a single address) is inside this network.
  bool contains(const IpNetwork& address) const;
  // "192.0.2.0/24", "2001:db8::1" (no suffix for a single address).
  std::string to_string() const;
  bool operator==(const IpNetwork&) const = default;
};

// Parses "192.0.2.1", "2001:db8::1", "198.51.100.0/28" or "2001:db8::/32".
// On failure returns nullopt and sets `why` to a plain explanation, including the network
// address to use when the host part of a CIDR is not zero.
std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string* why = nullptr);

// Parses a single address (no prefix).
std::optional<IpNetwork> parse_ip_address(std::string_view text);

// True for a DNS hostname as RFC 1123 allows (labels of letters, digits and '-', not starting
// or ending with '-', at most 63 characters each, at most 253 in all; a final dot is allowed).
bool is_hostname(std::string_view text);

// An IP address or a hostname.
bool is_host(std::string_view text);

}  // namespace c4
