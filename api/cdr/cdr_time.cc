#include "api/cdr/cdr_time.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace c4::cdr {
namespace {

using namespace std::chrono;

// A fixed number of decimal digits at `pos`; advances `pos`.
bool take_digits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool take_char(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// "1700000000" or "1700000000.123456": digits, at most one dot, nothing else.
bool looks_like_epoch(std::string_view s) {
  if (s.empty()) return false;
  bool dot = false, digit = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return digit;
}

std::optional<int64_t> parse_epoch_text(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.size() > 12) return std::nullopt;  // beyond year 9999 anyway
  int64_t seconds = 0;
  for (char c : whole) seconds = seconds * 10 + (c - '0');
  int64_t micros = 0;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    int64_t scale = 100000;
    for (size_t i = 0; i < frac.size(); ++i) {
      if (i < 6) {
        micros += (frac[i] - '0') * scale;
        scale /= 10;
      } else if (i == 6 && frac[i] >= '5') {
        ++micros;  // round half up at the microsecond
      }
    }
  }
  int64_t total = seconds * 1000000 + micros;
  if (total > kMaxTimeMicros) return std::nullopt;
  return total;
}

// A time of ISO-8601 text, past its date.
struct TimeOfDay {
  int hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int offset_minutes = 0;
};

// Sets `why` and returns false, for `return fail(why, "…")`.
bool fail(std::string& why, std::string message) {
  why = std::move(message);
  return false;
}

// Reads ".ffffff" or ",ffffff" (more digits are dropped) into `micros`, when present.
bool read_fraction(std::string_view s, size_t& pos, int64_t& micros, std::string& why) {
  if (!take_char(s, pos, '.') && !take_char(s, pos, ',')) return true;
  int64_t scale = 100000;
  size_t digits = 0;
  for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
    if (digits < 6) micros += (s[pos] - '0') * scale;
    scale /= 10;
  }
  return digits > 0 || fail(why, "expected digits after the decimal point of the seconds");
}

// Reads "Z", "+HH[:MM]" or "-HH[:MM]" into `offset_minutes`, when present.
bool read_offset(std::string_view s, size_t& pos, int& offset_minutes, std::string& why) {
  if (pos >= s.size()) return true;
  char sign = s[pos];
  if ((sign == 'Z' || sign == 'z') && pos + 1 == s.size()) {
    pos = s.size();
    return true;
  }
  if (sign != '+' && sign != '-') return true;  // reported as text after the time
  ++pos;
  int oh = 0, om = 0;
  if (!take_digits(s, pos, 2, oh)) return fail(why, "expected an offset like +01:00");
  take_char(s, pos, ':');
  if (pos < s.size() && !take_digits(s, pos, 2, om)) return fail(why, "expected an offset like +01:00");
  if (oh > 23 || om > 59) return fail(why, "offset out of range");
  offset_minutes = (sign == '-' ? -1 : 1) * (oh * 60 + om);
  return true;
}

// Reads "THH:MM[:SS[.ffffff]][offset]" after the date, when present.
bool read_time_of_day(std::string_view s, size_t& pos, TimeOfDay& t, std::string& why) {
  if (pos >= s.size()) return true;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return fail(why, "expected 'T' after the date");
  ++pos;
  if (!take_digits(s, pos, 2, t.hour) || !take_char(s, pos, ':') || !take_digits(s, pos, 2, t.minute))
    return fail(why, "expected HH:MM after the date");
  if (take_char(s, pos, ':')) {
    if (!take_digits(s, pos, 2, t.second)) return fail(why, "expected two digits of seconds");
    if (!read_fraction(s, pos, t.micros, why)) return false;
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return fail(why, "time of day out of range");
  return read_offset(s, pos, t.offset_minutes, why);
}

std::optional<int64_t> parse_iso8601(std::string_view s, std::string& why) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!take_digits(s, pos, 4, year) || !take_char(s, pos, '-') || !take_digits(s, pos, 2, month) ||
      !take_char(s, pos, '-') || !take_digits(s, pos, 2, day)) {
    why = "expected epoch seconds or an ISO-8601 time like 2026-11-26T09:30:00Z";
    return std::nullopt;
  }
  year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    why = "no such date: " + std::string(s.substr(0, 10));
    return std::nullopt;
  }
  TimeOfDay t;
  if (!read_time_of_day(s, pos, t, why)) return std::nullopt;
  if (pos != s.size()) {
    why = "unexpected text after the time: '" + std::string(s.substr(pos)) + "'";
    return std::nullopt;
  }
  int64_t days = sys_days(date).time_since_epoch().count();
  int64_t total = ((days * 24 + t.hour) * 60 + t.minute - t.offset_minutes) * 60 + t.second;
  total = total * 1000000 + t.micros;
  if (total < 0 || total > kMaxTimeMicros) {
    why = "time out of range (1970 to 9999)";
    return std::nullopt;
  }
  return total;
}

}  // namespace

std::optional<int64_t> parse_time_text(std::string_view text, std::string& why) {
  if (text.empty()) {
    why = "empty time";
    return std::nullopt;
  }
  if (looks_like_epoch(text)) {
    auto micros = parse_epoch_text(text);
    if (!micros) why = "epoch seconds out of range (1970 to 9999)";
    return micros;
  }
  return parse_iso8601(text, why);
}

std::optional<int64_t> epoch_seconds_to_micros(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  double micros = std::round(seconds * 1e6);
  if (micros > static_cast<double>(kMaxTimeMicros)) return std::nullopt;
  return static_cast<int64_t>(micros);
}

std::string format_iso8601(int64_t micros) {
  sys_time<std::chrono::microseconds> tp{std::chrono::microseconds{micros}};
  auto day_point = floor<days>(tp);
  year_month_day date{day_point};
  hh_mm_ss<std::chrono::microseconds> time{tp - day_point};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                        static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                        static_cast<long>(time.seconds().count()));
  long sub = static_cast<long>(time.subseconds().count());
  if (sub != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%06ld", sub);
  std::snprintf(buf + n, sizeof buf - n, "+00:00");
  return buf;
}

}  // namespace c4::cdr
