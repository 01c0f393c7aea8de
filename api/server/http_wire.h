// The bytes of an HTTP/1.1 response, written by the server in one piece (status line, headers
// and body in one buffer, so one write per answer).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_reply.h"

namespace c4::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ResponseFraming {
  bool head = false;        // a HEAD request: the headers of the GET answer, no body
  bool keep_alive = true;   // false: "Connection: close", the server closes after the write
  bool http10 = false;      // an HTTP/1.0 client: keep-alive must be said explicitly
};

// Appends the response for `reply` plus `extra` headers to `out` (which the caller clears and
// reuses, so its capacity survives from one answer to the next). 1xx, 204 and 304 answers carry
// neither body nor Content-Length/Content-Type (RFC 9110 §8.6).
void append_response(std::string& out, const HttpReply& reply, const HeaderList& extra, ResponseFraming framing);

// "HTTP/1.1 100 Continue", the interim answer to "Expect: 100-continue".
inline constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace c4::api
