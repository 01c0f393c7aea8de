#include "api/routing/sip_uri.h"

#include "common/text.h"

namespace c4::routing {

std::optional<SipUri> parse_sip_uri(std::string_view text) {
  if (auto lt = text.find('<'); lt != std::string_view::npos) {
    auto gt = text.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    text = text.substr(lt + 1, gt - lt - 1);
  }
  SipUri uri;
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  uri.scheme = ascii_lower(text.substr(0, colon));
  if (uri.scheme != "sip" && uri.scheme != "sips" && uri.scheme != "tel") return std::nullopt;
  std::string_view rest = text.substr(colon + 1);
  rest = rest.substr(0, rest.find_first_of("?"));
  if (uri.scheme == "tel") {
    uri.user = std::string(rest.substr(0, rest.find(';')));
    return uri.user.empty() ? std::nullopt : std::optional<SipUri>(uri);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user = rest.substr(0, at);
    uri.user = std::string(user.substr(0, user.find_first_of(";:")));  // drop user params and password
    rest = rest.substr(at + 1);
  }
  rest = rest.substr(0, rest.find(';'));
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    uri.host = ascii_lower(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
  } else {
    auto c = rest.find(':');
    uri.host = ascii_lower(rest.substr(0, c));
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
