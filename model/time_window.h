// Time windows of routing rules: on which days, between which local times, in which time zone,
// and optionally between which dates a rule applies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4 {

struct CivilDate {
  int year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
  std::string to_string() const;
};

struct TimeWindow {
  uint8_t days = 0x7f;       // bit 0 = Monday … bit 6 = Sunday
  int start_minute = 0;      // minutes after local midnight
  int end_minute = 0;        // end < start wraps past midnight; end == start never opens
  std::string timezone = "UTC";
  std::optional<CivilDate> from, until;  // inclusive
};

// "mon".."sun" → 0..6; nullopt otherwise.
std::optional<int> parse_weekday(std::string_view text);
// "08:30" → 510; nullopt unless HH:MM with HH < 24 and MM < 60.
std::optional<int> parse_hhmm(std::string_view text);
// "2026-12-24" → date; nullopt when not a real calendar date.
std::optional<CivilDate> parse_date(std::string_view text);
// True when the time zone database knows `name` (an IANA name such as "Europe/Paris").
bool is_known_timezone(std::string_view name);
// Day of the week of `d`, 0 = Monday.
int weekday_of(const CivilDate& d);

// False when the window can never be open, with the reason in `why`: start equals end, no
// day selected, `until` before `from`, or no selected weekday falls between `from` and `until`.
bool window_can_open(const TimeWindow& w, std::string* why);

}  // namespace c4
