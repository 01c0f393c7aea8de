#include "api/http_reply.h"
#include "api/error_vocabulary.h"

#include <doctest/doctest.h>

namespace c4::api {

TEST_CASE("error_reply has the one error shape with code message and details") {
  auto r = error_reply(400, "invalid_input", "from_uri: must be a string", {{"field", "from_uri"}});
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/json");
  auto j = nlohmann::json::parse(r.body);
  CHECK(j["error"]["code"] == "invalid_input");
  CHECK(j["error"]["message"] == "from_uri: must be a string");
  CHECK(j["error"]["details"]["field"] == "from_uri");
  CHECK(nlohmann::json::parse(error_reply(404, "not_found", "no such trunk").body)["error"]["details"] ==
        nlohmann::json::object());
}

TEST_CASE("json_reply survives invalid UTF-8 in values") {
  auto r = json_reply(200, {{"name", std::string("caf\xe9")}});
  CHECK(nlohmann::json::parse(r.body)["name"].is_string());
}

TEST_CASE("tenant scope allows only its tenants unless it is everything") {
  TenantScope scope{false, {"0b5e2c4e-1111-5111-8111-111111111111"}};
  CHECK(scope.allows("0b5e2c4e-1111-5111-8111-111111111111"));
  CHECK_FALSE(scope.allows("0b5e2c4e-2222-5222-8222-222222222222"));
  CHECK(TenantScope::everything().allows("anything"));
  CHECK_FALSE(TenantScope{}.allows("0b5e2c4e-1111-5111-8111-111111111111"));
}

TEST_CASE("api request query_value returns the first value or nothing") {
  ApiRequest r;
  r.query = {{"limit", "10"}, {"label", "a=b"}, {"label", "c=d"}};
  REQUIRE(r.query_value("limit") != nullptr);
  CHECK(*r.query_value("limit") == "10");
  CHECK(*r.query_value("label") == "a=b");
  CHECK(r.query_value("offset") == nullptr);
}

TEST_CASE("bad input is invalid_input naming the field and where it is") {
  auto j = nlohmann::json::parse(invalid_input_reply("query", "limit", "query parameter limit: too big").body);
  CHECK(j["error"]["code"] == "invalid_input");
  CHECK(j["error"]["details"] == nlohmann::json{{"field", "limit"}, {"in", "query"}});
  CHECK(invalid_input_reply("body", "to_uri", "x").status == 400);
}

TEST_CASE("a dependency that cannot answer is 503 unavailable, retryable, naming the service") {
  auto r = unavailable_reply("wazo-auth", "wazo-auth cannot check tokens right now");
  CHECK(r.status == 503);
  auto j = nlohmann::json::parse(r.body);
  CHECK(j["error"]["code"] == "unavailable");
  CHECK(j["error"]["details"] == nlohmann::json{{"retryable", true}, {"service", "wazo-auth"}});
}

}  // namespace c4::api
