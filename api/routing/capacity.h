// Per-trunk capacity accounting: calls per second over a sliding one-second window, and open
// channels (calls routed to the trunk and not yet ended).
//
// A call is counted on the trunk it was routed to first when the engine answers it; it is
// released when its CDR arrives (release_call with its Call-ID) or, if no CDR ever comes
// (a lost request, a crashed router), once it is older than the maximum call age.
// Thread-safe: every method may be called from any thread at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/objects.h"

namespace c4::routing {

class CapacityTracker {
 public:
  using Clock = std::chrono::system_clock;
  explicit CapacityTracker(std::chrono::seconds max_call_age = std::chrono::hours(4));

  // True when one more call to `trunk_id` at `now` would exceed `limits`; `why` then says
  // which limit ("30 calls in the last second, limit 30" / "300 open channels, limit 300").
  bool at_capacity(int64_t trunk_id, const Capacity& limits, Clock::time_point now,
                   std::string* why = nullptr);
  // Counts a call routed to `trunk_id`. A Call-ID already open is not counted twice.
  void record_call(int64_t trunk_id, std::string_view call_id, Clock::time_point now);
  // Ends the call `call_id` (its CDR arrived). Unknown ids are ignored.
  void release_call(std::string_view call_id);
  // Open channels of `trunk_id` at `now` (calls older than the maximum age are dropped).
  size_t open_channels(int64_t trunk_id, Clock::time_point now);
  // Calls counted on `trunk_id` in the second before `now` (the rate at_capacity compares).
  size_t calls_in_last_second(int64_t trunk_id, Clock::time_point now);

 private:
  struct TrunkLoad {
    std::deque<Clock::time_point> recent;  // call starts within the last second
    size_t open = 0;
  };
  struct OpenCall {
    int64_t trunk_id;
    Clock::time_point started;
  };
  void expire_locked(Clock::time_point now);
  TrunkLoad& load_locked(int64_t trunk_id, Clock::time_point now);

  const std::chrono::seconds max_call_age_;
  std::mutex mu_;
  std::unordered_map<int64_t, TrunkLoad> trunks_;
  std::unordered_map<std::string, OpenCall> calls_;
  std::deque<std::pair<Clock::time_point, std::string>> by_age_;  // for expiry, oldest first
};

}  // namespace c4::routing
