// c4confd's own HTTP calls out: wazo-auth token checks, commit statuses and notifications, and
// `c4confd ctl`. One synchronous HTTP/1.1 request per call, with Boost.Beast (the library of the
// server), over TCP or TLS. TLS checks the server's certificate against the system's trust
// store and its host name, and sends SNI.
//
// Bounded: the whole exchange (resolve, connect, handshake, write, read) ends within the
// call's timeout, and an answer body over its limit is an error, not a bigger buffer.
// Nothing of the caller's text can change the request's shape: a header name or value, the
// target or the host with a control character is refused before anything is sent.
//
// Thread-safety: http_call() may run on any thread; each call has its own I/O context.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace c4 {

// An http:// or https:// URL, split for a request.
struct HttpUrl {
  bool tls = false;
  std::string host;      // without brackets for an IPv6 address
  std::string port;      // "80" / "443" when the URL gives none
  std::string target;    // path and query, "/" when the URL has none
  std::string userinfo;  // "user:password" before '@', as written ("" when none): sent decoded as Basic auth

  // "https://host:port" with no user info: what may be shown in logs and errors.
  std::string origin() const;
};

// Splits `url`. Invalid (naming `what`, e.g. "--notify-url") when it is not
// http(s)://[USER[:PASSWORD]@]HOST[:PORT][/PATH], or holds a space or a control character.
// The user info never appears in the error.
Result<HttpUrl> parse_http_url(std::string_view url, std::string_view what = "URL");

struct HttpCall {
  std::string method = "GET";                                // GET, POST, …
  std::string path_suffix;                                   // appended to the URL's target
  std::vector<std::pair<std::string, std::string>> headers;  // beside Host and User-Agent
  std::string body;                                          // sent with content_type when not empty
  std::string content_type = "application/json";
  std::chrono::milliseconds timeout{10000};
  size_t body_limit = size_t{1} << 20;  // the answer's body, in bytes
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// Sends `call` to `url` and reads the answer (any status is an answer). Errors: invalid when a
// header, the method or the target holds a control character; unavailable when no whole
// answer came ("POST https://host: connect: Connection refused"), the origin only.
Result<HttpAnswer> http_call(const HttpUrl& url, const HttpCall& call);

}  // namespace c4
