// Small text helpers shared across modules.
#pragma once

#include <cctype>
#include <cstdio>
#include <optional>
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

// The value of a hex digit (0-9, a-f, A-F), or -1 for any other character.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a "%HH" escape at `s[at]` stands for; nullopt when `s[at]` does not start a
// complete escape of two hex digits.
inline std::optional<char> percent_escape_at(std::string_view s, size_t at) {
  if (s.size() < 3 || at > s.size() - 3 || s[at] != '%') return std::nullopt;
  int hi = hex_digit_value(s[at + 1]), lo = hex_digit_value(s[at + 2]);
  if (hi < 0 || lo < 0) return std::nullopt;
  return static_cast<char>(hi * 16 + lo);
}

// How percent_decode treats what is not a plain escape.
struct PercentDecoding {
  bool plus_is_space = false;  // form encoding (query strings): '+' is a space
  bool strict = false;         // a '%' without two hex digits fails, instead of staying as typed
};

// `text` with its %HH escapes decoded (RFC 3986); nullopt only in strict mode, on a bad escape.
inline std::optional<std::string> percent_decode(std::string_view text, PercentDecoding how = {}) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && how.plus_is_space) {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else if (auto byte = percent_escape_at(text, i)) {
      out += *byte;
      i += 2;
    } else if (how.strict) {
      return std::nullopt;
    } else {
      out += c;  // a stray '%' is kept as typed
    }
  }
  return out;
}

// `s`, or nullopt for the empty string: an optional text column written as NULL when unset.
inline std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace c4
