// The server's route table: path parameters, specificity, 404 and 405.
#include <doctest/doctest.h>

#include "api/server/route_table.h"

namespace c4::api {

TEST_CASE("a path parameter is captured from the matching segment") {
  RouteTable t;
  bool ok = false;
  t.add("GET", "/1.0/carrier_trunks/{id}", ok);
  REQUIRE(ok);
  auto m = t.match("GET", "/1.0/carrier_trunks/42");
  REQUIRE(m.kind == RouteMatch::Kind::found);
  CHECK(m.path_params.at("id") == "42");
  CHECK(t.match("GET", "/1.0/carrier_trunks").kind == RouteMatch::Kind::not_found);
  CHECK(t.match("GET", "/1.0/carrier_trunks/").kind == RouteMatch::Kind::not_found);
  CHECK(t.match("GET", "/1.0/carrier_trunks/42/x").kind == RouteMatch::Kind::not_found);
}

TEST_CASE("a literal segment beats a parameter whatever the mount order") {
  RouteTable t;
  bool ok = false;
  t.add("GET", "/1.0/cdrs/{id}", ok);
  size_t stats = t.add("GET", "/1.0/cdrs/stats", ok);
  auto m = t.match("GET", "/1.0/cdrs/stats");
  REQUIRE(m.kind == RouteMatch::Kind::found);
  CHECK(m.index == stats);
  CHECK(m.path_params.empty());
  CHECK(t.match("GET", "/1.0/cdrs/7").index != stats);
}

TEST_CASE("an exact literal path finds its route by method, and other methods still reach parameter routes") {
  RouteTable t;
  bool ok = false;
  size_t by_id = t.add("POST", "/1.0/x/{id}", ok);
  size_t get_static = t.add("GET", "/1.0/x/static", ok);
  size_t put_static = t.add("PUT", "/1.0/x/static", ok);
  REQUIRE(ok);
  auto get = t.match("GET", "/1.0/x/static");
  REQUIRE(get.kind == RouteMatch::Kind::found);
  CHECK(get.index == get_static);
  CHECK(t.match("PUT", "/1.0/x/static").index == put_static);
  CHECK(t.match("HEAD", "/1.0/x/static").index == get_static);
  // no literal POST route for the path: the parameter route takes it, with its parameter
  auto post = t.match("POST", "/1.0/x/static");
  REQUIRE(post.kind == RouteMatch::Kind::found);
  CHECK(post.index == by_id);
  CHECK(post.path_params.at("id") == "static");
  auto del = t.match("DELETE", "/1.0/x/static");
  CHECK(del.kind == RouteMatch::Kind::method_not_allowed);
  CHECK(del.allowed_methods == std::vector<std::string>{"GET", "POST", "PUT"});
  // not the exact pattern (trailing slash, doubled slash): the scan decides, as before
  CHECK(t.match("GET", "/1.0/x/static/").kind == RouteMatch::Kind::not_found);
  CHECK(t.match("GET", "/1.0//x/static").kind == RouteMatch::Kind::not_found);
}

TEST_CASE("a known path with another method is a 405 listing the allowed methods") {
  RouteTable t;
  bool ok = false;
  t.add("GET", "/1.0/dids", ok);
  t.add("POST", "/1.0/dids", ok);
  auto m = t.match("DELETE", "/1.0/dids");
  CHECK(m.kind == RouteMatch::Kind::method_not_allowed);
  CHECK(m.allowed_methods == std::vector<std::string>{"GET", "POST"});
  CHECK(t.match("HEAD", "/1.0/dids").kind == RouteMatch::Kind::found);
}

TEST_CASE("malformed patterns and duplicate routes are refused") {
  RouteTable t;
  bool ok = true;
  t.add("GET", "no-slash", ok);
  CHECK_FALSE(ok);
  t.add("GET", "/a/{id", ok);
  CHECK_FALSE(ok);
  t.add("GET", "/a/{}", ok);
  CHECK_FALSE(ok);
  t.add("GET", "/a/{id}", ok);
  CHECK(ok);
  t.add("GET", "/a/{id}", ok);
  CHECK_FALSE(ok);
  CHECK(t.routes().size() == 1);
}

}  // namespace c4::api
