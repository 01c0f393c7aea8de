// How much slower this test binary runs than the ordinary build: C4_TEST_SLOWDOWN, set by the
// sanitizer build's test environment (cmake/sanitize_environment.cmake), 1 when unset. Tests
// multiply their deadlines, and the delays a timing assertion compares against, by it, so an
// ASan+UBSan run (several times slower, about 3x on the 200k-number applies) checks the same
// behaviour instead of failing on a clock.
#pragma once

#include <chrono>
#include <cstdlib>

namespace c4::test {

inline int slowdown() {
  static const int factor = [] {
    const char* text = std::getenv("C4_TEST_SLOWDOWN");
    int value = text ? std::atoi(text) : 1;
    return value >= 1 && value <= 100 ? value : 1;
  }();
  return factor;
}

// `d` stretched by slowdown().
template <typename Rep, typename Period>
std::chrono::duration<Rep, Period> scaled(std::chrono::duration<Rep, Period> d) {
  return d * slowdown();
}

}  // namespace c4::test
