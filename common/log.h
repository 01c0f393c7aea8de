// Logs as one JSON object per line on stderr, for log shippers (DESIGN.md, "API rules").
//
//   log_event(LogLevel::info, "reconcile.applied", {{"revision", id}, {"ms", 12}});
// prints {"ts":"2026-11-26T09:30:00.123Z","level":"info","event":"reconcile.applied",
//         "revision":"…","ms":12}
//
// Thread-safe: each line is written with one write(2). Secrets must never be passed in fields.
// Lines below the minimum level (set once at start-up from --log-level) are dropped.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace c4 {

enum class LogLevel { debug, info, warn, error };

// Parses "debug", "info", "warn" or "error"; false when `text` is none of them.
bool parse_log_level(std::string_view text, LogLevel& out);
void set_min_log_level(LogLevel level);
// True when a line at `level` would be written: lets hot paths skip building fields.
bool log_enabled(LogLevel level);

// `fields` must be a JSON object (or null); its keys are added after ts, level and event.
void log_event(LogLevel level, std::string_view event, const nlohmann::json& fields = nullptr);

// The line log_event would write, without the newline (for tests).
std::string format_log_line(LogLevel level, std::string_view event, const nlohmann::json& fields);

}  // namespace c4
