// Small text helpers shared across modules.
#pragma once

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

namespace c4 {

// `s` with ASCII letters lower-cased (hostnames, hex digests, UUIDs, kind names).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `s` without trailing newlines and spaces (library messages end with "\n").
inline std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A control character: C0 (below 0x20) or DEL. None of them may reach a SIP header, a
// dbtext row or a header-like value as it is (CR/LF end a header line, NUL ends a C string).
inline bool is_control_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

// Index of the first control character of `s` (HTAB excepted when `allow_tab`), or npos.
inline size_t find_control_char(std::string_view s, bool allow_tab = false) {
  for (size_t i = 0; i < s.size(); ++i)
    if (is_control_char(s[i]) && !(allow_tab && s[i] == '\t')) return i;
  return std::string_view::npos;
}

// "control character 0x0A at byte 5": how messages name the character find_control_char found.
inline std::string describe_control_char(std::string_view s, size_t at) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(s[at])));
  return std::string("control character ") + hex + " at byte " + std::to_string(at);
}

}  // namespace c4
