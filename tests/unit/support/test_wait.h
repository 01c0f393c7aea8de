// The one way tests wait for something another thread or process does: poll a predicate.
#pragma once

#include <chrono>
#include <thread>

namespace c4::test {

// Polls `predicate` every `poll` until it holds (true) or `timeout` has passed (false, after
// one last look). Bounded: never waits longer than `timeout` plus one poll and one call.
template <typename F>
bool eventually(F&& predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(poll);
  }
  return predicate();
}

}  // namespace c4::test
