// Durations as people write them on command lines and in environment variables.
#pragma once

#include <chrono>
#include <string_view>

#include "common/status.h"

namespace c4 {

// Parses a positive duration: a decimal number followed by a unit, "ms", "s", "m" or "h"
// ("500ms", "30s", "1.5s", "2m"). Status::invalid (naming the text) for anything else,
// including zero, a missing unit and a value beyond a day. Thread-safe.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace c4
