#include "model/time_window.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace c4 {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

std::optional<unsigned> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

std::chrono::sys_days to_sys_days(const CivilDate& d) {
  return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{d.month} /
                               std::chrono::day{d.day}};
}

}  // namespace

std::string CivilDate::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
  return buf;
}

std::optional<int> parse_weekday(std::string_view text) {
  for (size_t i = 0; i < kWeekdays.size(); ++i)
    if (kWeekdays[i] == text) return static_cast<int>(i);
  return std::nullopt;
}

std::optional<int> parse_hhmm(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = parse_digits(text.substr(0, 2)), m = parse_digits(text.substr(3, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return static_cast<int>(*h * 60 + *m);
}

std::optional<CivilDate> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = parse_digits(text.substr(0, 4)), m = parse_digits(text.substr(5, 2)),
       d = parse_digits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*y)}, std::chrono::month{*m},
                                  std::chrono::day{*d}};
  if (!ymd.ok()) return std::nullopt;
  return CivilDate{static_cast<int>(*y), *m, *d};
}

bool is_known_timezone(std::string_view name) {
  if (name == "UTC") return true;
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  // A zone file starts with "TZif"; zone.tab and friends in the same directory do not.
  std::ifstream in(std::filesystem::path("/usr/share/zoneinfo") / std::string(name), std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

int weekday_of(const CivilDate& d) {
  std::chrono::weekday wd{to_sys_days(d)};
  return static_cast<int>(wd.iso_encoding()) - 1;
}

bool window_can_open(const TimeWindow& w, std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  if (w.start_minute == w.end_minute)
    return fail("start and end are both " + hhmm(w.start_minute));
  if ((w.days & 0x7f) == 0) return fail("no day is selected, so the window never opens");
  if (w.from && w.until) {
    if (*w.until < *w.from)
      return fail("until " + w.until->to_string() + " is before from " + w.from->to_string());
    auto first = to_sys_days(*w.from), last = to_sys_days(*w.until);
    if ((last - first).count() < 7) {
      bool any = false;
      for (auto day = first; day <= last; day += std::chrono::days{1}) {
        int wd = static_cast<int>(std::chrono::weekday{day}.iso_encoding()) - 1;
        if (w.days & (1u << wd)) any = true;
      }
      if (!any)
        return fail("none of the selected days falls between " + w.from->to_string() + " and " +
                    w.until->to_string());
    }
  }
  return true;
}

}  // namespace c4
