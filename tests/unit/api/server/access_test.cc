// Access decisions without a server: tokens, scopes, trusted networks, 401 versus 403.
#include <doctest/doctest.h>

#include "api/server/access.h"
#include "common/sha.h"

namespace c4::api {
namespace {

const std::string kAcme = "c8c31ae4-d859-44af-8097-91c0941a5571";
const std::string kLagoon = "0b6ad3e1-4a8e-4cfb-8a59-1f9ee4a2d8f0";

std::shared_ptr<SnapshotHolder<AccessSnapshot>> tokens() {
  auto holder = std::make_shared<SnapshotHolder<AccessSnapshot>>();
  auto s = std::make_shared<AccessSnapshot>();
  s->all_tenant_uuids = {kLagoon, kAcme};
  s->by_sha256[sha256_hex("acme-token")] = {"acme-portal", {kAcme}};
  s->by_sha256[sha256_hex("noc-token")] = {"noc", {kAcme, kLagoon}};
  holder->store(s);
  return holder;
}

AccessControl control(std::string trusted = "10.1.0.0/16") {
  return AccessControl({"admin-secret", "kamailio-secret", parse_network_list(trusted).value(), nullptr}, tokens());
}

std::string code(const AccessDecision& d) {
  return nlohmann::json::parse(d.denial.body)["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("a reader path needs a known bearer token") {
  auto access = control();
  auto none = access.decide(Access::reader, "", "192.0.2.1");
  CHECK_FALSE(none.allowed);
  CHECK(none.denial.status == 401);
  CHECK(code(none) == "unauthorized");
  auto unknown = access.decide(Access::reader, "Bearer nope", "192.0.2.1");
  CHECK(unknown.denial.status == 401);
  auto basic = access.decide(Access::reader, "Basic YWxhZGRpbjpvcGVu", "192.0.2.1");
  CHECK(basic.denial.status == 401);
}

TEST_CASE("an ApiToken is scoped to its tenants and the admin token to everything") {
  auto access = control();
  auto acme = access.decide(Access::reader, "Bearer acme-token", "192.0.2.1");
  REQUIRE(acme.allowed);
  CHECK_FALSE(acme.scope.all);
  CHECK(acme.scope.allows(kAcme));
  CHECK_FALSE(acme.scope.allows(kLagoon));
  auto admin = access.decide(Access::reader, "bearer admin-secret", "192.0.2.1");
  REQUIRE(admin.allowed);
  CHECK(admin.scope.all);
}

TEST_CASE("fleet paths need a token that covers every tenant") {
  auto access = control();
  auto acme = access.decide(Access::fleet, "Bearer acme-token", "192.0.2.1");
  CHECK(acme.denial.status == 403);
  CHECK(access.decide(Access::fleet, "Bearer noc-token", "192.0.2.1").allowed);
  CHECK(access.decide(Access::fleet, "Bearer admin-secret", "192.0.2.1").allowed);
  CHECK(access.decide(Access::fleet, "", "192.0.2.1").denial.status == 401);
}

TEST_CASE("kamailio paths answer trusted networks or the kamailio token and refuse others with 403") {
  auto access = control("10.1.0.0/16,2001:db8::/32");
  CHECK(access.decide(Access::kamailio, "", "10.1.2.3").allowed);
  CHECK(access.decide(Access::kamailio, "", "2001:db8::5").allowed);
  CHECK(access.decide(Access::kamailio, "", "10.1.2.3").scope.all);
  auto outside = access.decide(Access::kamailio, "", "192.0.2.1");
  CHECK(outside.denial.status == 403);
  CHECK(code(outside) == "forbidden");
  CHECK(access.decide(Access::kamailio, "Bearer kamailio-secret", "192.0.2.1").allowed);
  CHECK(access.decide(Access::kamailio, "Bearer acme-token", "192.0.2.1").denial.status == 403);
  // The Kamailio token is for Kamailio paths only.
  CHECK(access.decide(Access::reader, "Bearer kamailio-secret", "10.1.2.3").denial.status == 403);
}

TEST_CASE("kamailio paths hold SIP secrets so the admin token and API tokens are refused even from a trusted network") {
  auto access = control("10.1.0.0/16");
  for (const char* peer : {"10.1.2.3", "192.0.2.1"}) {
    CAPTURE(peer);
    auto admin = access.decide(Access::kamailio, "Bearer admin-secret", peer);
    CHECK_FALSE(admin.allowed);
    CHECK(admin.denial.status == 403);
    CHECK(access.decide(Access::kamailio, "Bearer acme-token", peer).denial.status == 403);
    CHECK(access.decide(Access::kamailio, "Bearer kamailio-secret", peer).allowed);
  }
}

TEST_CASE("open paths need nothing") {
  auto access = control();
  CHECK(access.decide(Access::open, "", "192.0.2.1").allowed);
}

TEST_CASE("trusted network lists name the entry at fault") {
  auto bad = parse_network_list("127.0.0.0/8, 10.0.0.1/33");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message().find("10.0.0.1/33") != std::string::npos);
  CHECK(parse_network_list("").value().empty());
  CHECK(parse_network_list("127.0.0.0/8,::1/128").value().size() == 2);
}

TEST_CASE("constant time comparison compares whole strings") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace c4::api
