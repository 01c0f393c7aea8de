// CORS (cross-origin resource sharing) for the browser origins the operator lists
// (--cors-origin): a dashboard served from another origin may read the API with its token.
// None by default, and then no Access-Control-* header is ever sent.
//
// For a listed origin (compared byte for byte with the request's Origin header; never echoed
// unless it is listed), an answer carries Access-Control-Allow-Origin: <origin> and exposes
// the headers a client reads. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered 204 with the path's methods, the request headers
// the API reads (Authorization, X-Auth-Token, Wazo-Tenant, Content-Type) and a max age; for an
// origin not listed it is 403 `forbidden` with no Access-Control-* header. Every answer of a
// server with origins configured says Vary: Origin, so caches keep the answers apart.
// Credentials (cookies) are not used by the API: no Access-Control-Allow-Credentials.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http_reply.h"
#include "api/server/http_wire.h"
#include "common/status.h"

namespace c4::api {

// An origin as browsers send it: scheme "http" or "https", "://", a host of letters, digits,
// '-', '.', or a bracketed IPv6 literal, an optional ":port"; nothing after. The error names
// the value.
Result<std::string> parse_cors_origin(std::string_view text);

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const { return !origins_.empty(); }
  bool allows(std::string_view origin) const;

  // The headers for an answer to a request whose Origin header is `origin` ("" when absent).
  void add_headers(std::string_view origin, HeaderList& headers) const;

  // A preflight for `origin` on a path whose methods are `allowed`: 204 with its headers added
  // to `headers`, or 403 forbidden.
  HttpReply preflight(std::string_view origin, const std::vector<std::string>& allowed, HeaderList& headers) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace c4::api
