#include "common/escape.h"

#include <cstdint>
#include <cstdio>

#include "common/utf8.h"

namespace c4 {
namespace {

bool needs_escape(uint32_t code) {
  return code < 0x20 || code == 0x7F || (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069);
}

void append_hex(std::string& out, const char* format, uint32_t value) {
  char buf[12];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

// Walks `s` as UTF-8 (common/utf8.h): a byte that starts no well-formed sequence becomes
// `\xHH`; each well-formed sequence is handed to `emit(out, code_point, its_bytes)`.
template <typename Emit>
std::string map_utf8(std::string_view s, Emit emit) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t code = 0;
    size_t n = utf8_sequence_length(s, i, &code);
    if (n == 0) {
      append_hex(out, "\\x%02x", static_cast<uint8_t>(s[i]));
      ++i;
      continue;
    }
    emit(out, code, s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string escape_for_text(std::string_view s, bool escape_backslash) {
  return map_utf8(s, [escape_backslash](std::string& out, uint32_t code, std::string_view bytes) {
    if (code == '\n') out += "\\n";
    else if (code == '\t') out += "\\t";
    else if (code == '\r') out += "\\r";
    else if (code == '\\' && escape_backslash) out += "\\\\";
    else if (needs_escape(code)) append_hex(out, code < 0x80 ? "\\x%02x" : "\\u%04x", code);
    else out.append(bytes);
  });
}

std::string valid_utf8(std::string_view s) {
  return map_utf8(s, [](std::string& out, uint32_t, std::string_view bytes) { out.append(bytes); });
}

}  // namespace c4
