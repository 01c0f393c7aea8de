#include "api/routing/window_clock.h"

#include <cstdio>

#include <absl/time/civil_time.h>

namespace c4::routing {
namespace {

bool day_selected(const TimeWindow& w, const absl::CivilDay& day) {
  int wd = 0;  // 0 = Monday, as TimeWindow::days
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday: wd = 0; break;
    case absl::Weekday::tuesday: wd = 1; break;
    case absl::Weekday::wednesday: wd = 2; break;
    case absl::Weekday::thursday: wd = 3; break;
    case absl::Weekday::friday: wd = 4; break;
    case absl::Weekday::saturday: wd = 5; break;
    case absl::Weekday::sunday: wd = 6; break;
  }
  if (!(w.days & (1u << wd))) return false;
  CivilDate date{static_cast<int>(day.year()), static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day())};
  if (w.from && date < *w.from) return false;
  if (w.until && *w.until < date) return false;
  return true;
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

Result<ZonedWindow> ZonedWindow::compile(const TimeWindow& window) {
  ZonedWindow z;
  z.window_ = window;
  if (!absl::LoadTimeZone(window.timezone, &z.zone_))
    return Status::invalid("unknown time zone \"" + window.timezone + "\"");
  return z;
}

bool ZonedWindow::is_open(std::chrono::system_clock::time_point at) const {
  const TimeWindow& w = window_;
  if (w.start_minute == w.end_minute) return false;
  absl::CivilSecond local = absl::ToCivilSecond(absl::FromChrono(at), zone_);
  absl::CivilDay today(local);
  int minute = static_cast<int>(local.hour() * 60 + local.minute());
  if (w.start_minute < w.end_minute)
    return minute >= w.start_minute && minute < w.end_minute && day_selected(w, today);
  // Runs past midnight: the evening part belongs to today, the morning part to yesterday.
  if (minute >= w.start_minute) return day_selected(w, today);
  if (minute < w.end_minute) return day_selected(w, today - 1);
  return false;
}

std::string ZonedWindow::describe() const {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string days;
  for (int i = 0; i < 7; ++i)
    if (window_.days & (1u << i)) days += (days.empty() ? "" : ",") + std::string(kDays[i]);
  std::string out = days + " " + hhmm(window_.start_minute) + "-" + hhmm(window_.end_minute) + " " + window_.timezone;
  if (window_.from) out += " from " + window_.from->to_string();
  if (window_.until) out += " until " + window_.until->to_string();
  return out;
}

}  // namespace c4::routing
