#include "api/cdr/cdr_cursor.h"

#include "api/cdr/cdr_time.h"

namespace c4::cdr {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr uint64_t kNoCallStart = uint64_t{1} << 63;  // INT64_MIN: no real call_start

void put_hex(std::string& out, uint64_t v) {
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xf];
}

std::optional<uint64_t> get_hex(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

std::string encode_cursor(const CdrCursor& cursor) {
  std::string out;
  out.reserve(32);
  put_hex(out, cursor.call_start_us ? static_cast<uint64_t>(*cursor.call_start_us) : kNoCallStart);
  put_hex(out, static_cast<uint64_t>(cursor.id));
  return out;
}

std::optional<CdrCursor> decode_cursor(std::string_view token) {
  if (token.size() != 32) return std::nullopt;
  auto start = get_hex(token.substr(0, 16));
  auto id = get_hex(token.substr(16));
  if (!start || !id) return std::nullopt;
  CdrCursor cursor{std::nullopt, static_cast<int64_t>(*id)};
  if (*start != kNoCallStart) cursor.call_start_us = static_cast<int64_t>(*start);
  // A time past year 9999 was never a CDR's (and PostgreSQL refuses it: a 500, not a 400).
  if (cursor.call_start_us && (*cursor.call_start_us < 0 || *cursor.call_start_us > kMaxTimeMicros)) return std::nullopt;
  if (cursor.id < 0) return std::nullopt;
  return cursor;
}

}  // namespace c4::cdr
