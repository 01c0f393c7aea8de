#include "common/duration.h"

#include <cstdlib>
#include <string>

namespace c4 {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::invalid("\"" + std::string(text) + "\" is not a duration (" + why + "; e.g. 30s, 500ms, 2m)");
  };
  size_t unit_at = 0;
  while (unit_at < text.size() && (std::isdigit(static_cast<unsigned char>(text[unit_at])) || text[unit_at] == '.'))
    ++unit_at;
  if (unit_at == 0) return bad("it must start with a number");
  std::string number(text.substr(0, unit_at));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return bad("malformed number");
  std::string_view unit = text.substr(unit_at);
  double ms_per_unit;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit == "s") ms_per_unit = 1000;
  else if (unit == "m") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  else return bad(unit.empty() ? "the unit is missing" : "unknown unit \"" + std::string(unit) + "\"");
  double ms = value * ms_per_unit;
  if (ms < 1) return bad("it must be at least 1ms");
  if (ms > 86'400'000) return bad("it must be at most 24h");
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

}  // namespace c4
