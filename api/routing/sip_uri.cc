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

}  // namespace

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
    uri.user = phone_user(rest.substr(0, rest.find(';')));
    return uri.user.empty() ? std::nullopt : std::optional<SipUri>(uri);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user = rest.substr(0, at);
    // Drop user parameters and the password (a loop: find_first_of calls memchr per character).
    size_t end = 0;
    while (end < user.size() && user[end] != ';' && user[end] != ':') ++end;
    uri.user = phone_user(user.substr(0, end));
    rest = rest.substr(at + 1);
  }
  rest = rest.substr(0, rest.find(';'));
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    assign_lower(uri.host, rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
  } else {
    auto c = rest.find(':');
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
