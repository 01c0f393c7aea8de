#include "api/routing/phone_user.h"

namespace c4::routing {
namespace {

bool is_separator(char c) { return c == '-' || c == '.' || c == '(' || c == ')' || c == ' '; }
bool is_phone_digit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Most users need no work (plain digits, "+digits", a name): one scan says so, without
// building anything (this runs on two URIs of every call).
bool may_need_reading(std::string_view user) {
  for (char c : user)
    if (c == '%' || is_separator(c)) return true;
  return false;
}

}  // namespace

std::string phone_user(std::string_view user) {
  if (!may_need_reading(user)) return std::string(user);
  std::string out;
  out.reserve(user.size());
  bool digit_seen = false;
  for (size_t i = 0; i < user.size(); ++i) {
    char c = user[i];
    if (c == '%') {
      int hi = i + 2 < user.size() ? hex_value(user[i + 1]) : -1;
      int lo = hi >= 0 ? hex_value(user[i + 2]) : -1;
      if (lo < 0) return std::string(user);  // a malformed escape: not ours to reinterpret
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (is_separator(c)) continue;
    if (c == '+' && out.empty() && !digit_seen) {
      out.push_back(c);
      continue;
    }
    if (!is_phone_digit(c)) return std::string(user);
    digit_seen = digit_seen || (c >= '0' && c <= '9');
    out.push_back(c);
  }
  return digit_seen ? out : std::string(user);
}

}  // namespace c4::routing
