#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace c4 {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::info)};

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed); }

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void set_min_log_level(LogLevel level) { min_level.store(static_cast<int>(level)); }

std::string format_log_line(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  // ordered_json keeps ts, level and event first, so lines read well by eye too.
  nlohmann::ordered_json line;
  line["ts"] = utc_now_iso8601();
  line["level"] = level_name(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (key != "ts" && key != "level" && key != "event") line[key] = value;
    }
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void log_event(LogLevel level, std::string_view event, const nlohmann::json& fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  std::string line = format_log_line(level, event, fields);
  line += '\n';
  // One write(2) per line: lines of concurrent threads never interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace c4
