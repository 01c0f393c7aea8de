#include "common/escape.h"

#include <cstdint>
#include <cstdio>

namespace c4 {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the byte there does not start
// one (stray continuation, overlong form, surrogate, above U+10FFFF, truncated).
size_t utf8_length(std::string_view s, size_t i, uint32_t& code) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = byte(i);
  if (b < 0x80) {
    code = b;
    return 1;
  }
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) n = 2, code = b & 0x1F;
  else if (b >= 0xE0 && b <= 0xEF) n = 3, code = b & 0x0F, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
  else if (b >= 0xF0 && b <= 0xF4) n = 4, code = b & 0x07, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    uint8_t c = byte(i + k);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return 0;
    code = (code << 6) | (c & 0x3F);
  }
  return n;
}

bool needs_escape(uint32_t code) {
  return code < 0x20 || code == 0x7F || (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069);
}

void append_hex(std::string& out, const char* format, uint32_t value) {
  char buf[12];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

}  // namespace

std::string escape_for_text(std::string_view s, bool escape_backslash) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t code = 0;
    size_t n = utf8_length(s, i, code);
    if (n == 0) {
      append_hex(out, "\\x%02x", static_cast<uint8_t>(s[i]));
      ++i;
      continue;
    }
    if (code == '\n') out += "\\n";
    else if (code == '\t') out += "\\t";
    else if (code == '\r') out += "\\r";
    else if (code == '\\' && escape_backslash) out += "\\\\";
    else if (needs_escape(code)) append_hex(out, code < 0x80 ? "\\x%02x" : "\\u%04x", code);
    else out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t code = 0;
    size_t n = utf8_length(s, i, code);
    if (n == 0) {
      append_hex(out, "\\x%02x", static_cast<uint8_t>(s[i]));
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace c4
