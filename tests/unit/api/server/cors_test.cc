// CORS for the origins the operator lists: preflights, Access-Control-Allow-Origin only for a
// listed origin, Vary: Origin, and hostile Origin headers, over real HTTP.
#include "raw_http_client.h"
#include "server_test_support.h"

namespace c4::test {
namespace {

const std::string kDashboard = "https://dash.example:8443";

std::string error_code_of_raw(const RawResponse& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

std::optional<RawResponse> raw(int port, const std::string& request) {
  RawHttpClient client(port);
  client.send(request);
  return client.read_response();
}

std::string preflight(const std::string& origin, const std::string& path = "/1.0/carriers") {
  return "OPTIONS " + path + " HTTP/1.1\r\nHost: x\r\nOrigin: " + origin +
         "\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: x-auth-token, wazo-tenant\r\n\r\n";
}

std::string get_from(const std::string& origin) {
  return "GET /1.0/carriers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAdminToken + "\r\nOrigin: " + origin +
         "\r\n\r\n";
}

}  // namespace

TEST_CASE("CORS origins are checked when the server starts") {
  for (const std::string good : {"https://dash.example", "http://127.0.0.1:3000", "https://[::1]:8443"})
    CHECK(api::parse_cors_origin(good).is_ok());
  for (const std::string bad : {"dash.example", "https://dash.example/", "https://dash.example/path", "*", "null",
                                "https://dash example", "https://dash.example:port", "https://dash.example\r\nX: 1",
                                "ftp://dash.example", "https://"}) {
    CAPTURE(bad);
    auto parsed = api::parse_cors_origin(bad);
    CHECK_FALSE(parsed.is_ok());
    if (!parsed.is_ok()) CHECK(parsed.status().message().find("CORS origin") == 0);
  }
}

TEST_CASE("a listed origin gets its preflight answered and may read with its token") {
  ExamplesService s("c4test_cors_allowed", [](api::ApiServiceOptions& o) {
    o.server.cors = api::CorsPolicy({kDashboard, "http://localhost:3000"});
  });
  auto pre = raw(s.port(), preflight(kDashboard));
  REQUIRE(pre);
  CHECK(pre->status == 204);
  CHECK(pre->header("access-control-allow-origin") == kDashboard);
  CHECK(pre->header("access-control-allow-methods").find("GET") != std::string::npos);
  CHECK(pre->header("access-control-allow-headers").find("X-Auth-Token") != std::string::npos);
  CHECK(pre->header("access-control-allow-headers").find("Wazo-Tenant") != std::string::npos);
  CHECK(pre->header("access-control-allow-headers").find("Authorization") != std::string::npos);
  CHECK(pre->header("vary") == "Origin");
  CHECK(pre->header("access-control-allow-credentials").empty());

  auto read = raw(s.port(), get_from(kDashboard));
  REQUIRE(read);
  CHECK(read->status == 200);
  CHECK(read->header("access-control-allow-origin") == kDashboard);
  CHECK(read->header("vary") == "Origin");
  // Errors carry it too, so the page can read why it was refused.
  auto refused = raw(s.port(), "GET /1.0/carriers HTTP/1.1\r\nHost: x\r\nOrigin: " + kDashboard + "\r\n\r\n");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(refused->header("access-control-allow-origin") == kDashboard);
  // An unknown path is still a 404, preflight or not.
  auto unknown = raw(s.port(), preflight(kDashboard, "/nowhere"));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEST_CASE("an origin not listed gets no Access-Control header and its preflight is refused") {
  ExamplesService s("c4test_cors_refused", [](api::ApiServiceOptions& o) { o.server.cors = api::CorsPolicy({kDashboard}); });
  for (const std::string& origin : {std::string("https://evil.example"), std::string("https://dash.example:8443.evil.example"),
                                   std::string("https://dash.example"), std::string("http://dash.example:8443"),
                                   std::string("HTTPS://DASH.EXAMPLE:8443"), std::string("null"), std::string(8000, 'a'),
                                   std::string("https://dash.example:8443\xc3\xa9")}) {
    CAPTURE(origin.substr(0, 60));
    auto pre = raw(s.port(), preflight(origin));
    REQUIRE(pre);
    CHECK(pre->status == 403);
    CHECK(error_code_of_raw(*pre) == "forbidden");
    CHECK(pre->header("access-control-allow-origin").empty());
    CHECK(pre->header("access-control-allow-methods").empty());
    CHECK(pre->header("vary") == "Origin");
    auto read = raw(s.port(), get_from(origin));
    REQUIRE(read);
    CHECK(read->status == 200);  // the token decides access; CORS only tells the browser
    CHECK(read->header("access-control-allow-origin").empty());
    CHECK(read->header("vary") == "Origin");
  }
  // A control byte in Origin never comes back as a header.
  auto control = raw(s.port(), get_from("https://dash.example:8443\x01"));
  REQUIRE(control);
  CHECK(control->header("access-control-allow-origin").empty());
}

TEST_CASE("without origins configured no CORS header is sent and OPTIONS stays a 405") {
  ExamplesService s("c4test_cors_off");
  auto pre = raw(s.port(), preflight(kDashboard));
  REQUIRE(pre);
  CHECK(pre->status == 405);
  CHECK(pre->header("access-control-allow-origin").empty());
  CHECK(pre->header("vary").empty());
  auto read = raw(s.port(), get_from(kDashboard));
  REQUIRE(read);
  CHECK(read->status == 200);
  CHECK(read->header("access-control-allow-origin").empty());
}

}  // namespace c4::test
