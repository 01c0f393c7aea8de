#include "api/routing/sip_uri.h"

#include "api/routing/phone_user.h"

namespace c4::routing {
namespace {

// ASCII lower-casing without the locale (std::tolower is a library call per character, and
// this runs on two URIs per call).
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void assign_lower(std::string& out, std::string_view s) {
  out.resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = lower(s[i]);
}

bool iequals(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower_b[i]) return false;
  return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 3261 unreserved (alphanum, mark) and user-unreserved characters.
bool is_user_char(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
    case '&': case '=': case '+': case '$': case ',': case ';': case '?': case '/':
      return true;
    default:
      return false;
  }
}

// A hostname or IPv4 address: letters, digits, '.', '-' ('_' too: some carriers use it).
bool is_host_text(std::string_view h) {
  for (char c : h)
    if (!is_alnum(c) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

bool is_ipv6_text(std::string_view h) {
  for (char c : h)
    if (!is_hex(c) && c != ':' && c != '.') return false;
  return h.find(':') != std::string_view::npos;
}

}  // namespace

bool is_sip_user(std::string_view user) {
  if (user.empty()) return false;
  for (size_t i = 0; i < user.size(); ++i) {
    if (is_user_char(user[i])) continue;
    if (user[i] != '%' || i + 2 >= user.size() || !is_hex(user[i + 1]) || !is_hex(user[i + 2])) return false;
    i += 2;
  }
  return true;
}

std::string sip_uri(std::string_view user, std::string_view host) {
  std::string out;
  out.reserve(5 + user.size() + host.size());
  out.append("sip:");
  if (!user.empty()) out.append(user).push_back('@');
  out.append(host);
  return out;
}

std::optional<SipUri> parse_sip_uri(std::string_view text) {
  if (auto lt = text.find('<'); lt != std::string_view::npos) {
    auto gt = text.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    text = text.substr(lt + 1, gt - lt - 1);
  }
  SipUri uri;
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view scheme = text.substr(0, colon);
  if (iequals(scheme, "sip")) uri.scheme = "sip";
  else if (iequals(scheme, "sips")) uri.scheme = "sips";
  else if (iequals(scheme, "tel")) uri.scheme = "tel";
  else return std::nullopt;
  std::string_view rest = text.substr(colon + 1);
  rest = rest.substr(0, rest.find('?'));
  if (uri.scheme == "tel") {
    // A telephone number is read as RFC 3966 does (separators dropped) before the RFC 3261 check.
    uri.user = phone_user(rest.substr(0, rest.find(';')));
    return !uri.user.empty() && is_sip_user(uri.user) ? std::optional<SipUri>(uri) : std::nullopt;
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user = rest.substr(0, at);
    // Drop user parameters and the password (a loop: find_first_of calls memchr per character).
    size_t end = 0;
    while (end < user.size() && user[end] != ';' && user[end] != ':') ++end;
    uri.user = phone_user(user.substr(0, end));
    if (!is_sip_user(uri.user)) return std::nullopt;
    rest = rest.substr(at + 1);
  }
  rest = rest.substr(0, rest.find(';'));
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    if (!is_ipv6_text(rest.substr(1, close - 1))) return std::nullopt;
    assign_lower(uri.host, rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
  } else {
    auto c = rest.find(':');
    if (!is_host_text(rest.substr(0, c))) return std::nullopt;
    assign_lower(uri.host, rest.substr(0, c));
    rest = c == std::string_view::npos ? std::string_view() : rest.substr(c);
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return std::nullopt;
    int port = 0;
    for (char ch : rest.substr(1)) {
      if (ch < '0' || ch > '9') return std::nullopt;
      port = port * 10 + (ch - '0');
    }
    if (port < 1 || port > 65535) return std::nullopt;
    uri.port = port;
  }
  if (uri.host.empty()) return std::nullopt;
  return uri;
}

std::string host_port(const std::string& host, int port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port ? h + ":" + std::to_string(port) : h;
}

}  // namespace c4::routing
