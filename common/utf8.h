// UTF-8 well-formedness (RFC 3629, the table nlohmann's lexer and PostgreSQL apply: no overlong
// forms, no surrogates, nothing above U+10FFFF, no sequence cut short). The one reader of UTF-8
// of the project: the request reader and the reply writer must accept exactly what nlohmann
// accepts, a UTF8 database refuses anything else, and valijson miscounts other bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace c4 {

// Length (1–4) of the well-formed UTF-8 sequence starting at `p` and ending before `end`
// (REQUIRES: p < end); 0 when it is ill-formed. `code`, when given, receives the code point.
inline size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end, uint32_t* code = nullptr) {
  unsigned c = p[0];
  size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  uint32_t cp = 0;
  if (c < 0x80) n = 1, cp = c;
  else if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned b = p[k];
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (code) *code = cp;
  return n;
}

// The same at offset `i` of `s` (REQUIRES: i < s.size()).
inline size_t utf8_sequence_length(std::string_view s, size_t i, uint32_t* code = nullptr) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  return utf8_sequence_length(p + i, p + s.size(), code);
}

// The offset of the first byte of `s` that does not start a well-formed sequence, or npos.
inline size_t first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// True when `s` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

}  // namespace c4
