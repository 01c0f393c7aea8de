// Is a routing rule's time window open at an instant? The window's days, hours and dates are
// local to its IANA time zone, read from the system's zoneinfo through Abseil's time zone
// library (GCC 12's <chrono> has no time zone database), so DST changes are honoured.
// A compiled window is immutable; is_open is safe from any thread.
#pragma once

#include <chrono>

#include <absl/time/time.h>

#include "common/status.h"
#include "model/time_window.h"

namespace c4::routing {

class ZonedWindow {
 public:
  // Loads the window's time zone. Status::invalid when the zone is unknown.
  static Result<ZonedWindow> compile(const TimeWindow& window);

  // Open when the local time at `at` falls in [start, end) of a selected day within
  // [from, until]; a window whose end is before its start (or is 00:00) runs past midnight
  // and belongs to the day it started on.
  bool is_open(std::chrono::system_clock::time_point at) const;
  const TimeWindow& window() const { return window_; }
  // "mon-fri 20:00-00:00 Europe/Paris", for explanations.
  std::string describe() const;

 private:
  TimeWindow window_;
  absl::TimeZone zone_;
};

}  // namespace c4::routing
