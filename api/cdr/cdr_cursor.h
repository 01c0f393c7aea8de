// The keyset pagination cursor of GET /1.0/cdrs: the (call_start, id) of the last row of a
// page, as an opaque token ("next" in a page, "after" in the request for the following one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4::cdr {

struct CdrCursor {
  std::optional<int64_t> call_start_us;  // nullopt: the row has no call_start (sorts first)
  int64_t id = 0;
  bool operator==(const CdrCursor&) const = default;
};

// 32 lower-case hex digits: call_start then id, each 64 bits big-endian; a missing call_start
// is written as 8000000000000000 (INT64_MIN; no real call_start is negative).
std::string encode_cursor(const CdrCursor& cursor);
// nullopt when `token` is not a token encode_cursor could have produced for a CDR (a time
// from 1970 to 9999, an id of 0 or more).
std::optional<CdrCursor> decode_cursor(std::string_view token);

}  // namespace c4::cdr
