// The dashboard's files (api/ui/assets/ and Chart.js, compiled into the binary) as HTTP
// answers for GET /ui/ and GET /ui/{file}.
//
// Every answer carries the headers that make the pages safe to open with a token in the tab:
//   Content-Security-Policy  default-src 'self', no inline script or style, no eval, no frames,
//                            no plugins; the pages only load their own files and call the API
//                            of the server that served them
//   X-Content-Type-Options   nosniff (each file has its exact Content-Type)
//   Referrer-Policy          no-referrer; X-Frame-Options DENY
//   ETag + Cache-Control     "no-cache": the browser keeps a file and revalidates it; a request
//                            whose If-None-Match names the current ETag gets a 304 without body
//
// Thread-safety: pure functions over constant data.
#pragma once

#include <string>
#include <string_view>

#include "api/http_reply.h"

namespace c4::api {

// The answer for `file` ("" or "index.html": the page; "app.js", "chart.min.js", …) given the
// request's If-None-Match header ("" when absent): 200 with the file, 304, or a 404 JSON error.
HttpReply ui_asset_reply(std::string_view file, std::string_view if_none_match);

// The answer for GET /ui: a 308 to /ui/ (so the page's relative links resolve under /ui/).
HttpReply ui_redirect_reply();

// The Content-Security-Policy header value of every dashboard answer.
std::string_view ui_content_security_policy();

}  // namespace c4::api
