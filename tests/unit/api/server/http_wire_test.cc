// The bytes of an answer (api/server/http_wire.h).
#include <doctest/doctest.h>

#include "api/server/http_wire.h"

namespace c4::api {

TEST_CASE("an answer is the status line, content headers, extra headers and the body") {
  std::string out = "stale";
  out.clear();
  append_response(out, HttpReply{405, "application/json", "{}"}, {{"Allow", "GET, POST"}}, ResponseFraming{});
  CHECK(out ==
        "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        "Allow: GET, POST\r\n\r\n{}");
}

TEST_CASE("an answer to head keeps its content length but not its body") {
  std::string out;
  append_response(out, HttpReply{200, "text/plain", "hello"}, {}, ResponseFraming{.head = true});
  CHECK(out == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
}

TEST_CASE("a 204 answer has no body and no content headers") {
  std::string out;
  append_response(out, HttpReply{204, "", "ignored"}, {}, ResponseFraming{});
  CHECK(out == "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_CASE("the connection header says close or keep-alive to an http 1.0 client") {
  std::string closing, old;
  append_response(closing, HttpReply{200, "application/json", ""}, {}, ResponseFraming{.keep_alive = false});
  CHECK(closing.find("\r\nConnection: close\r\n") != std::string::npos);
  append_response(old, HttpReply{200, "application/json", ""}, {}, ResponseFraming{.http10 = true});
  CHECK(old.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
}

}  // namespace c4::api
