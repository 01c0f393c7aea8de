#include "common/log.h"

#include <doctest/doctest.h>

namespace c4 {

TEST_CASE("a log line is one JSON object with ts level event first and the fields after") {
  std::string line = format_log_line(LogLevel::warn, "reconcile.failed", {{"revision", "abc"}, {"errors", 3}});
  CHECK(line.find('\n') == std::string::npos);
  auto j = nlohmann::json::parse(line);
  CHECK(j["level"] == "warn");
  CHECK(j["event"] == "reconcile.failed");
  CHECK(j["revision"] == "abc");
  CHECK(j["errors"] == 3);
  CHECK(j["ts"].get<std::string>().size() == 24);
  CHECK(line.rfind("{\"ts\":", 0) == 0);
}

TEST_CASE("log fields cannot overwrite ts level or event") {
  auto j = nlohmann::json::parse(format_log_line(LogLevel::info, "x", {{"event", "forged"}, {"level", "error"}}));
  CHECK(j["event"] == "x");
  CHECK(j["level"] == "info");
}

TEST_CASE("log levels parse from their names only") {
  LogLevel l = LogLevel::info;
  CHECK(parse_log_level("debug", l));
  CHECK(l == LogLevel::debug);
  CHECK_FALSE(parse_log_level("verbose", l));
  CHECK(l == LogLevel::debug);
}

}  // namespace c4
