// log_enabled: hot paths ask before building a log line's fields.
#include <doctest/doctest.h>

#include "common/log.h"

namespace c4 {

TEST_CASE("log enabled follows the minimum level") {
  set_min_log_level(LogLevel::warn);
  CHECK_FALSE(log_enabled(LogLevel::debug));
  CHECK_FALSE(log_enabled(LogLevel::info));
  CHECK(log_enabled(LogLevel::warn));
  CHECK(log_enabled(LogLevel::error));
  set_min_log_level(LogLevel::debug);
  CHECK(log_enabled(LogLevel::debug));
  set_min_log_level(LogLevel::info);  // the default, for the tests that follow in this process
  CHECK_FALSE(log_enabled(LogLevel::debug));
  CHECK(log_enabled(LogLevel::info));
}

}  // namespace c4
