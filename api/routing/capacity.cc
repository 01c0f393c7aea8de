#include "api/routing/capacity.h"

namespace c4::routing {

CapacityTracker::CapacityTracker(std::chrono::seconds max_call_age) : max_call_age_(max_call_age) {}

void CapacityTracker::expire_locked(Clock::time_point now) {
  while (!by_age_.empty() && now - by_age_.front().first >= max_call_age_) {
    auto it = calls_.find(by_age_.front().second);
    // The entry may be of a call already released (or of a later call with the same id).
    if (it != calls_.end() && it->second.started == by_age_.front().first) {
      auto& load = loads_[it->second.key];
      if (load.open > 0) --load.open;
      calls_.erase(it);
    }
    by_age_.pop_front();
  }
}

CapacityTracker::Load& CapacityTracker::load_locked(CapacityKey key, Clock::time_point now) {
  expire_locked(now);
  Load& load = loads_[key];
  while (!load.recent.empty() && now - load.recent.front() >= std::chrono::seconds(1)) load.recent.pop_front();
  return load;
}

bool CapacityTracker::at_capacity(CapacityKey key, const Capacity& limits, Clock::time_point now, std::string* why) {
  if (!limits.max_calls_per_second && !limits.max_channels) return false;
  std::lock_guard lock(mu_);
  Load& load = load_locked(key, now);
  if (limits.max_calls_per_second && load.recent.size() >= static_cast<size_t>(*limits.max_calls_per_second)) {
    if (why)
      *why = std::to_string(load.recent.size()) + " calls in the last second, limit " +
             std::to_string(*limits.max_calls_per_second);
    return true;
  }
  if (limits.max_channels && load.open >= static_cast<size_t>(*limits.max_channels)) {
    if (why) *why = std::to_string(load.open) + " open channels, limit " + std::to_string(*limits.max_channels);
    return true;
  }
  return false;
}

void CapacityTracker::record_call(CapacityKey key, std::string_view call_id, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Load& load = load_locked(key, now);
  load.recent.push_back(now);
  if (call_id.empty()) return;  // counted for the rate; without an id it can only end by age
  auto [it, inserted] = calls_.try_emplace(std::string(call_id), OpenCall{key, now});
  if (!inserted) return;
  ++load.open;
  by_age_.emplace_back(now, it->first);
}

void CapacityTracker::release_call(std::string_view call_id) {
  std::lock_guard lock(mu_);
  auto it = calls_.find(std::string(call_id));
  if (it == calls_.end()) return;
  auto& load = loads_[it->second.key];
  if (load.open > 0) --load.open;
  calls_.erase(it);
}

size_t CapacityTracker::open_channels(CapacityKey key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  return load_locked(key, now).open;
}

size_t CapacityTracker::calls_in_last_second(CapacityKey key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  return load_locked(key, now).recent.size();
}

}  // namespace c4::routing
