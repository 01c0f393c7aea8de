// Capacity accounting per carrier trunk and per IPBX: calls per second over a sliding
// one-second window, and open channels (calls routed to the object and not yet ended).
//
// A call is counted on the object it was routed to first when the engine answers it (the
// first trunk of a rule's routes, or the IPBX a DID or a domain sends it to); it is released
// when its CDR arrives (release_call with its Call-ID) or, if no CDR ever comes (a lost
// request, a crashed router), once it is older than the maximum call age.
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

// What a limit applies to: a carrier trunk or an IPBX, by its object id (the ids of two kinds
// may be equal, so the kind is part of the key).
struct CapacityKey {
  enum class Kind : uint8_t { trunk, ipbx };
  Kind kind;
  int64_t id;
  static CapacityKey trunk(int64_t id) { return {Kind::trunk, id}; }
  static CapacityKey ipbx(int64_t id) { return {Kind::ipbx, id}; }
  bool operator==(const CapacityKey&) const = default;
};

class CapacityTracker {
 public:
  using Clock = std::chrono::system_clock;
  explicit CapacityTracker(std::chrono::seconds max_call_age = std::chrono::hours(4));

  // True when one more call to `key` at `now` would exceed `limits`; `why` then says which
  // limit ("30 calls in the last second, limit 30" / "300 open channels, limit 300").
  bool at_capacity(CapacityKey key, const Capacity& limits, Clock::time_point now, std::string* why = nullptr);
  // Counts a call routed to `key`. A Call-ID already open is not counted twice.
  void record_call(CapacityKey key, std::string_view call_id, Clock::time_point now);
  // Ends the call `call_id` (its CDR arrived). Unknown ids are ignored.
  void release_call(std::string_view call_id);
  // Open channels of `key` at `now` (calls older than the maximum age are dropped).
  size_t open_channels(CapacityKey key, Clock::time_point now);
  // Calls counted on `key` in the second before `now` (the rate at_capacity compares).
  size_t calls_in_last_second(CapacityKey key, Clock::time_point now);

 private:
  struct Load {
    std::deque<Clock::time_point> recent;  // call starts within the last second
    size_t open = 0;
  };
  struct OpenCall {
    CapacityKey key;
    Clock::time_point started;
  };
  struct KeyHash {
    size_t operator()(CapacityKey k) const noexcept {
      return std::hash<int64_t>()(k.id) * 2 + static_cast<size_t>(k.kind);
    }
  };
  void expire_locked(Clock::time_point now);
  Load& load_locked(CapacityKey key, Clock::time_point now);

  const std::chrono::seconds max_call_age_;
  std::mutex mu_;
  std::unordered_map<CapacityKey, Load, KeyHash> loads_;
  std::unordered_map<std::string, OpenCall> calls_;
  std::deque<std::pair<Clock::time_point, std::string>> by_age_;  // for expiry, oldest first
};

}  // namespace c4::routing
