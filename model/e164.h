// E.164 telephone numbers as DIDs and routing prefixes use them.
//
// A number is '+' then 2 to 15 digits, the first not 0. Because the first digit is never 0,
// the digits fit in a uint64 and convert back without losing anything, which keeps a million
// numbers small in memory and makes ranges plain integer intervals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4 {

struct E164 {
  uint64_t value = 0;  // the digits as an integer
  uint8_t length = 0;  // number of digits
  std::string to_string() const { return "+" + std::to_string(value); }
  auto operator<=>(const E164&) const = default;
};

inline constexpr size_t kE164MaxDigits = 15;

// Parses "+33140000000". On failure returns nullopt and sets `why` to a plain explanation.
std::optional<E164> parse_e164(std::string_view text, std::string* why = nullptr);

// Parses an E.164 prefix: '+' then 1 to 15 digits, the first not 0. Returns the digits.
std::optional<std::string> parse_e164_prefix(std::string_view text, std::string* why = nullptr);

// 10^n for n in [0, 19].
uint64_t pow10_u64(unsigned n);

}  // namespace c4
