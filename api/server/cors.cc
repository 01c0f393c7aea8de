#include "api/server/cors.h"
#include "api/error_vocabulary.h"

#include <algorithm>

namespace c4::api {
namespace {

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool valid_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return std::all_of(host.begin() + 1, host.end() - 1,
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'; });
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), host_char);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

constexpr std::string_view kAllowedHeaders = "Authorization, X-Auth-Token, Wazo-Tenant, Content-Type";
constexpr std::string_view kExposedHeaders = "WWW-Authenticate, Allow";
constexpr std::string_view kMaxAgeSeconds = "600";

}  // namespace

Result<std::string> parse_cors_origin(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::invalid("CORS origin \"" + std::string(text.substr(0, 200)) + "\": " + why +
                           " (expected http(s)://HOST[:PORT], as a browser sends Origin)");
  };
  std::string_view rest = text;
  if (rest.rfind("https://", 0) == 0) rest.remove_prefix(8);
  else if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
  else return bad("no http:// or https:// scheme");
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']') != std::string_view::npos && colon < rest.find(']'))
    colon = std::string_view::npos;  // a colon of an IPv6 literal
  std::string_view host = rest.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return bad("the port is not a number");
  }
  if (!valid_host(host)) return bad("the host holds a character an origin cannot (a path, a space, a control byte…)");
  return std::string(text);
}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::add_headers(std::string_view origin, HeaderList& headers) const {
  if (!enabled()) return;
  headers.emplace_back("Vary", "Origin");
  if (!allows(origin)) return;
  headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposedHeaders));
}

HttpReply CorsPolicy::preflight(std::string_view origin, const std::vector<std::string>& allowed, HeaderList& headers) const {
  if (enabled()) headers.emplace_back("Vary", "Origin");
  if (!allows(origin))
    return error_reply(403, error_codes::forbidden,
                       "cross-origin requests from this origin are not allowed (--cors-origin lists those that are)");
  std::vector<std::string> methods = allowed;
  methods.push_back("OPTIONS");
  headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  headers.emplace_back("Access-Control-Allow-Methods", joined(methods));
  headers.emplace_back("Access-Control-Allow-Headers", std::string(kAllowedHeaders));
  headers.emplace_back("Access-Control-Max-Age", std::string(kMaxAgeSeconds));
  return HttpReply{204, "", ""};
}

}  // namespace c4::api
