// Small text helpers shared across modules.
#pragma once

#include <cctype>
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

}  // namespace c4
