#include "importer/field_checks.h"

#include <re2/re2.h>

#include "model/net.h"

namespace c4::importer {

bool is_sip_user(const std::string& s) {
  static const RE2 re("([A-Za-z0-9_.!~*'()&=+$,;?/-]|%[0-9A-Fa-f]{2})+");
  return RE2::FullMatch(s, re);
}

bool is_realm(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') return false;
  return true;
}

bool is_replacement(const std::string& s) {
  static const RE2 re("([A-Za-z0-9_.!~*'()&=+$,;?/-]|%[0-9A-Fa-f]{2}|\\\\[0-9])*");
  return RE2::FullMatch(s, re);
}

bool is_digits(const std::string& s, size_t min, size_t max, bool nonzero) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !(nonzero && !s.empty() && s[0] == '0');
}

bool is_port(int64_t port) { return port >= 1 && port <= 65535; }

void split_addresses(const std::string& column, std::vector<std::string>& good, std::vector<std::string>& bad) {
  std::string item;
  auto flush = [&] {
    if (item.empty()) return;
    (parse_ip_network(item) ? good : bad).push_back(item);
    item.clear();
  };
  for (char c : column) {
    if (c == ',' || c == ' ' || c == '\t')
      flush();
    else
      item.push_back(c);
  }
  flush();
}

std::string shown(const std::string& value) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < value.size() && out.size() < 60; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return "\"" + out + (value.size() > 60 ? "…" : "") + "\"";
}

}  // namespace c4::importer
