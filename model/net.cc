#include "model/net.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace c4 {

bool IpNetwork::contains(const IpNetwork& address) const {
  uint8_t full = prefix_len / 8, rest = prefix_len % 8;
  if (std::memcmp(bytes.data(), address.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (address.bytes[full] & mask);
}

std::string IpNetwork::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (v4) inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  else inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  std::string s = buf;
  if (prefix_len != 128) s += "/" + std::to_string(v4 ? prefix_len - 96 : prefix_len);
  return s;
}

std::optional<IpNetwork> parse_ip_address(std::string_view text) {
  std::string s(text);
  IpNetwork n;
  uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    n.bytes[10] = n.bytes[11] = 0xff;
    std::memcpy(n.bytes.data() + 12, v4, 4);
    n.v4 = true;
    return n;
  }
  if (inet_pton(AF_INET6, s.c_str(), n.bytes.data()) == 1) return n;
  return std::nullopt;
}

std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string* why) {
  auto fail = [&](std::string msg) -> std::optional<IpNetwork> {
    if (why) *why = std::move(msg);
    return std::nullopt;
  };
  size_t slash = text.find('/');
  auto addr = parse_ip_address(text.substr(0, slash));
  if (!addr) return fail("\"" + std::string(text) + "\" is not an IP address or network");
  if (slash == std::string_view::npos) return addr;

  std::string_view len_text = text.substr(slash + 1);
  unsigned max = addr->v4 ? 32 : 128;
  if (len_text.empty() || len_text.size() > 3)
    return fail("\"" + std::string(text) + "\" has an invalid prefix length");
  unsigned len = 0;
  for (char c : len_text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return fail("\"" + std::string(text) + "\" has an invalid prefix length");
    len = len * 10 + static_cast<unsigned>(c - '0');
  }
  if (len > max)
    return fail("\"" + std::string(text) + "\": prefix length " + std::to_string(len) +
                " is longer than " + std::to_string(max));
  IpNetwork net = *addr;
  net.prefix_len = static_cast<uint8_t>(addr->v4 ? len + 96 : len);
  IpNetwork masked = net;
  for (unsigned bit = net.prefix_len; bit < 128; ++bit)
    masked.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  if (masked.bytes != net.bytes)
    return fail("\"" + std::string(text) + "\" has host bits set; the network is " +
                masked.to_string());
  return net;
}

bool is_hostname(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  size_t start = 0;
  bool all_numeric = true;
  while (start <= text.size()) {
    size_t dot = text.find('.', start);
    std::string_view label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      if (!std::isdigit(static_cast<unsigned char>(c))) all_numeric = false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // "192.0.2.300" is a broken address, not a hostname.
  return !all_numeric;
}

bool is_host(std::string_view text) { return parse_ip_address(text).has_value() || is_hostname(text); }

}  // namespace c4
