#include "api/routing/sip_text.h"

#include <optional>

#include "common/text.h"

namespace c4::routing {
namespace {

constexpr std::string_view kNullName = "<null>";  // what Kamailio prints for an absent $fn / $tn

std::string_view trim_lws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The content of `s` when it is exactly one quoted-string, quoted-pairs unescaped; nullopt
// when it is not one (`"A" "B"`, a lone `"`, a trailing backslash): then it is taken as text.
std::optional<std::string> unquoted(std::string_view s) {
  if (s.size() < 2 || s.front() != '"') return std::nullopt;
  std::string out;
  out.reserve(s.size() - 2);
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return i + 1 == s.size() ? std::optional<std::string>(std::move(out)) : std::nullopt;
    if (c == '\\') {
      if (++i == s.size()) return std::nullopt;
      c = s[i];
    }
    out.push_back(c);
  }
  return std::nullopt;  // no closing quote
}

}  // namespace

std::string sip_quoted_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

DisplayName sip_display_name(std::string_view raw) {
  std::string_view given = trim_lws(raw);
  if (given.empty() || given == kNullName) return {};
  std::optional<std::string> inner = unquoted(given);
  std::string_view text = inner ? std::string_view(*inner) : given;
  if (text.empty()) return {};
  if (size_t at = find_control_char(text, /*allow_tab=*/true); at != std::string_view::npos)
    return {"", "dropped: the name holds a " + describe_control_char(text, at) +
                    ", which no SIP header may carry; the name is not sent"};
  return {sip_quoted_string(text), ""};
}

}  // namespace c4::routing
