// Call times as Kamailio and dashboards write them, and as the API answers them.
//
// A time is held as microseconds since the Unix epoch (UTC), the resolution of PostgreSQL's
// timestamptz, so a value read back from the database compares equal to the one written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4::cdr {

// The range every parser accepts: 1970-01-01T00:00:00Z up to the end of year 9999.
inline constexpr int64_t kMaxTimeMicros = 253402300799999999;

// Parses epoch seconds ("1700000000", "1700000000.25") or ISO-8601:
//   2026-11-26, 2026-11-26T09:30:00Z, 2026-11-26T09:30:00.5+01:00, 2026-11-26 09:30:00+0100.
// A date and time without an offset is taken as UTC; a date alone is its midnight UTC.
// Returns nullopt with a plain-language reason in `why` (which does not name the field: the
// caller does) when the text is neither form or is out of range.
std::optional<int64_t> parse_time_text(std::string_view text, std::string& why);

// Epoch seconds as a JSON number would carry them; nullopt when negative, not finite or out
// of range.
std::optional<int64_t> epoch_seconds_to_micros(double seconds);

// "2026-11-26T09:30:00+00:00", with ".250000" before the offset when there are microseconds
// (the form Python's datetime.isoformat() gave the old service's clients).
std::string format_iso8601(int64_t micros);

}  // namespace c4::cdr
