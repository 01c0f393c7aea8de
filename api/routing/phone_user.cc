#include "api/routing/phone_user.h"

#include "common/text.h"

namespace c4::routing {
namespace {

bool is_separator(char c) { return c == '-' || c == '.' || c == '(' || c == ')' || c == ' '; }
bool is_phone_digit(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

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
      auto byte = percent_escape_at(user, i);
      if (!byte) return std::string(user);  // a malformed escape: not ours to reinterpret
      c = *byte;
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
