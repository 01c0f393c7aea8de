#include "model/e164.h"

#include <cstring>

namespace c4 {
namespace {

// Checks the common form; returns the digits after '+' or nullopt with `why` set.
std::optional<std::string_view> e164_digits(std::string_view text, size_t min_digits,
                                            const char* what, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<std::string_view> {
    if (why) *why = "\"" + std::string(text) + "\" is not " + what + ": " + reason;
    return std::nullopt;
  };
  if (text.empty() || text[0] != '+') return fail("it must start with '+' and the country code");
  std::string_view digits = text.substr(1);
  for (char c : digits)
    if (c < '0' || c > '9') return fail("only digits may follow '+'");
  if (digits.size() < min_digits || digits.size() > kE164MaxDigits)
    return fail("it must have " + std::to_string(min_digits) + " to 15 digits");
  if (digits[0] == '0') return fail("a country code never starts with 0");
  return digits;
}

// Whether p[0..8) are ASCII digits; if so `out` is their value. SWAR: the eight bytes are
// checked and combined in one 64-bit word (three multiplications instead of eight dependent
// multiply-adds).
bool eight_digits(const char* p, uint64_t& out) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  // Every byte 0x30..0x39: high nibble 3, and adding 6 keeps it 3.
  if (((w & 0xF0F0F0F0F0F0F0F0ULL) | (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
      0x3333333333333333ULL)
    return false;
  w &= 0x0F0F0F0F0F0F0F0FULL;                              // digit values, first digit lowest byte
  w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFULL;         // pairs
  w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFULL;       // groups of four
  out = (w * 10000 + (w >> 32)) & 0xFFFFFFFFULL;           // eight
  return true;
}

}  // namespace

uint64_t pow10_u64(unsigned n) {
  uint64_t v = 1;
  while (n--) v *= 10;
  return v;
}

std::optional<E164> parse_e164(std::string_view text, std::string* why) {
  // A well-formed number (routing parses one per call) in one pass, 8 digits at a time;
  // e164_digits words the reason otherwise.
  if (text.size() >= 3 && text.size() <= kE164MaxDigits + 1 && text[0] == '+' && text[1] != '0') {
    E164 n;
    bool digits_only = true;
    size_t i = 1;
    for (; i + 8 <= text.size(); i += 8) {
      uint64_t v = 0;
      digits_only &= eight_digits(text.data() + i, v);
      n.value = n.value * 100000000u + v;
    }
    for (; i < text.size(); ++i) {
      unsigned d = static_cast<unsigned char>(text[i]) - '0';
      digits_only &= d <= 9;
      n.value = n.value * 10 + d;
    }
    n.length = static_cast<uint8_t>(text.size() - 1);
    if (digits_only) return n;
  }
  auto digits = e164_digits(text, 2, "an E.164 number", why);
  if (!digits) return std::nullopt;
  E164 n;
  for (char c : *digits) n.value = n.value * 10 + static_cast<uint64_t>(c - '0');
  n.length = static_cast<uint8_t>(digits->size());
  return n;
}

std::optional<std::string> parse_e164_prefix(std::string_view text, std::string* why) {
  auto digits = e164_digits(text, 1, "an E.164 prefix", why);
  if (!digits) return std::nullopt;
  return std::string(*digits);
}

}  // namespace c4
