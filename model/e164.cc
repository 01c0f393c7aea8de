#include "model/e164.h"

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

}  // namespace

uint64_t pow10_u64(unsigned n) {
  uint64_t v = 1;
  while (n--) v *= 10;
  return v;
}

std::optional<E164> parse_e164(std::string_view text, std::string* why) {
  // One pass for a well-formed number (routing parses one per call); e164_digits words the
  // reason otherwise.
  if (text.size() >= 3 && text.size() <= kE164MaxDigits + 1 && text[0] == '+' && text[1] != '0') {
    E164 n;
    bool digits_only = true;
    for (size_t i = 1; i < text.size(); ++i) {
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
