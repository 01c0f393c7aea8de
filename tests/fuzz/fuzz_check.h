// What the fuzz targets assert beyond "no crash, no sanitizer report": a property that does not
// hold prints what was expected and where, then aborts, which libFuzzer reports as a crash and
// saves the input (docs/fuzzing.md).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace c4::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, std::string_view what) {
  std::fprintf(stderr, "\n%s:%d: property broken: %.*s\n  (%s is false)\n", file, line, static_cast<int>(what.size()),
               what.data(), condition);
  std::abort();
}

// The bytes libFuzzer hands a target, as text.
inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace c4::fuzz

// FUZZ_CHECK(condition, what): `what` is any expression convertible to std::string_view,
// evaluated only when the condition is false.
#define FUZZ_CHECK(condition, what) \
  ((condition) ? (void)0 : ::c4::fuzz::fail(__FILE__, __LINE__, #condition, (what)))
