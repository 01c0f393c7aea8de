// The Kamailio endpoints' handlers: tolerant parsing of what Kamailio sends, strict where it
// matters, the auth object, the uacreg dbtext content.
#include "api/routing/kamailio.h"
#include "common/sha.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using nlohmann::json;

json reply_json(const api::HttpReply& r) { return json::parse(r.body); }

const std::vector<std::string> kAuthKeys = {"success",  "tenant_uuid", "tenant_id",   "carrier_trunk_id",
                                            "ipbx_id",  "domain",      "username",    "password_ha1"};

}  // namespace

TEST_CASE("routing bodies accept what Kamailio really sends") {
  json body = {{"event", "sip-routing"}, {"source_ip", "192.0.2.10"}, {"source_port", "5060"},
               {"auth", "1"},            {"call_id", "abc@host"},      {"from_uri", "sip:0140000123@paris.acme.example.com"},
               {"to_uri", "sip:0561234567@c4.example"},                {"x_extra_field", {1, 2}},
               {"to_tag", nullptr}};
  auto r = parse_call_request(body, RequestKind::routing);
  REQUIRE(r.is_ok());
  CHECK(r->source_port == 5060);
  CHECK(r->want_auth);
  CHECK(r->to_tag.empty());
  for (const auto& entry : std::vector<std::pair<json, bool>>{
           {true, true}, {false, false}, {"0", false}, {"true", true}, {"false", false}, {1, true}, {0, false}}) {  // no structured binding: a lambda takes it (clang 14)
    const auto& value = entry.first;
    const auto& expected = entry.second;
    body["auth"] = value;
    auto p = parse_call_request(body, RequestKind::routing);
    REQUIRE_MESSAGE(p.is_ok(), value.dump());
    CHECK(p->want_auth == expected);
  }
  body["source_port"] = 5080;
  CHECK(parse_call_request(body, RequestKind::routing)->source_port == 5080);
}

TEST_CASE("bad routing bodies get a 400 naming the field") {
  auto field_of = [](const std::string& body) {
    auto reply = routing_reply(examples(), body, env_at(kTueDay));
    CHECK(reply.status == 400);
    return reply_json(reply)["error"]["details"]["field"].get<std::string>();
  };
  CHECK(field_of(R"({"from_uri": "sip:1@a"})") == "to_uri");
  CHECK(field_of(R"({"to_uri": "sip:1@a"})") == "from_uri");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": 42})") == "to_uri");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": "sip:2@b", "source_port": "50x"})") == "source_port");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": "sip:2@b", "source_port": [5060]})") == "source_port");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": "sip:2@b", "auth": "yes"})") == "auth");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": "sip:2@b", "source_ip": {}})") == "source_ip");
  CHECK(field_of(R"({"from_uri": "sip:1@a", "to_uri": )") == "body");
  CHECK(field_of(R"([1, 2])") == "body");
  auto reply = routing_reply(examples(), R"({"from_uri": "sip:1@a", "to_uri": 42})", env_at(kTueDay));
  auto err = reply_json(reply)["error"];
  CHECK(err["code"] == "invalid_input");
  CHECK(err["details"]["field"] == "to_uri");
  CHECK(err["details"]["in"] == "body");
  CHECK(err["message"] == "to_uri: expected a string, got a number");
}

TEST_CASE("the routing reply carries the auth object only when asked") {
  json body = {{"source_ip", "192.0.2.33"}, {"username", "acme-lyon"},
               {"from_uri", "sip:0472100001@lyon.acme.example.com"}, {"to_uri", "sip:0140000123@c4.example"}};
  auto without = reply_json(routing_reply(examples(), body.dump(), env_at(kTueDay)));
  CHECK(without["auth"].is_null());
  CHECK(without["rtjson"]["success"] == true);
  body["auth"] = "1";
  auto with = reply_json(routing_reply(examples(), body.dump(), env_at(kTueDay)));
  auto auth = with["auth"];
  for (const auto& k : kAuthKeys) CHECK_MESSAGE(auth.contains(k), k);
  CHECK(auth["success"] == true);
  CHECK(auth["tenant_uuid"] == "c8c31ae4-d859-44af-8097-91c0941a5571");
  CHECK(auth["tenant_id"] == auth["tenant_uuid"]);
  CHECK(auth["ipbx_id"].is_number_integer());
  CHECK(auth["carrier_trunk_id"].is_null());
  CHECK(auth["domain"] == "lyon.acme.example.com");
  CHECK(auth["username"] == "acme-lyon");
  CHECK(auth["password_ha1"] == md5_hex("acme-lyon:lyon.acme.example.com:secret-of-C4_SECRET_ACME_LYON_SIP_PASSWORD"));
  // The on-net route to acme-paris-hq, as the contract shows it.
  auto route0 = with["rtjson"]["routes"][0];
  CHECK(route0["dst_uri"] == "sip:192.0.2.10:5060");
  CHECK(route0["path"] == "");
  CHECK(route0["socket"] == "");
  CHECK(route0["branch_flags"] == 8);
  CHECK(route0["fr_timer"] == 5000);
  CHECK(route0["fr_inv_timer"] == 30000);
  CHECK(route0["headers"]["to"] == json{{"display", ""}, {"uri", "sip:0140000123@192.0.2.10"}});
  CHECK(with["rtjson"]["version"] == "1.0");
}

TEST_CASE("auth identifies IPBXs and trunks and checks passwords") {
  auto ask = [](json body) { return reply_json(auth_reply(examples(), body.dump())); };
  auto trunk = ask({{"source_ip", "203.0.113.130"}, {"source_port", 5060}});
  CHECK(trunk["success"] == true);
  CHECK(trunk["carrier_trunk_id"].is_number_integer());
  CHECK(trunk["ipbx_id"].is_null());
  CHECK(trunk["username"].is_null());
  CHECK(trunk["tenant_id"] == "c8c31ae4-d859-44af-8097-91c0941a5571");
  auto good = ask({{"source_ip", "192.0.2.34"}, {"username", "acme-lyon"},
                   {"password", "secret-of-C4_SECRET_ACME_LYON_SIP_PASSWORD"}});
  CHECK(good["success"] == true);
  CHECK(good["ipbx_id"].is_number_integer());
  auto bad = ask({{"source_ip", "192.0.2.34"}, {"username", "acme-lyon"}, {"password", "wrong"}});
  CHECK(bad["success"] == false);
  for (const auto& k : kAuthKeys)
    if (k != "success") CHECK_MESSAGE(bad[k].is_null(), k);
  // acme-paris-hq has no secret: a password cannot verify.
  auto nosecret = ask({{"source_ip", "192.0.2.10"}, {"password", "anything"}});
  CHECK(nosecret["success"] == false);
  auto lagoon = ask({{"source_ip", "198.51.100.40"}});
  CHECK(lagoon["tenant_uuid"] == "8c97b58d-c0ac-5851-88c5-d31256249cab");
  CHECK(ask({{"source_ip", "10.9.9.9"}})["success"] == false);
  CHECK(auth_reply(examples(), R"({"source_ip": 5})").status == 400);
}

TEST_CASE("auth verifies a password against a stored HA1") {
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: hashed, tenant: acme}
spec: {host: hashed.example, allowedSources: [192.0.2.77], username: u1, digestRealm: r.example,
       ha1: )" + md5_hex("u1:r.example:pw") + R"(}
)");
  auto ok = json::parse(auth_reply(*s, R"({"source_ip": "192.0.2.77", "username": "u1", "password": "pw"})").body);
  CHECK(ok["success"] == true);
  CHECK(ok["password_ha1"] == md5_hex("u1:r.example:pw"));
  auto no = json::parse(auth_reply(*s, R"({"source_ip": "192.0.2.77", "username": "u1", "password": "px"})").body);
  CHECK(no["success"] == false);
}

TEST_CASE("uacreg lists the registering trunks with escaped fields and real secrets") {
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: reg, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.example
  allowedSources: [203.0.113.99]
  registration: {username: user, passwordFrom: {env: C4_SECRET_REG_PW}, realm: realm, registrarProxy: "registrar",
                 fromDomain: domain.com, expireSeconds: 300}
)");
  std::string content = uacreg_content(*s);
  std::string header =
      "id(int) l_uuid(string) l_username(string) l_domain(string) r_username(string) r_domain(string) "
      "realm(string) auth_username(string) auth_password(string) auth_proxy(string) expires(int) flags(int) "
      "reg_delay(int) socket(string)\n";
  // reg is the second trunk of the catalog: id 2.
  CHECK(content == header + "1:2:user:domain.com:user:domain.com:realm:user:secret-of-C4_SECRET_REG_PW:sip\\:registrar:300:16:0:\n");
  auto reply = uacreg_reply(*s);
  CHECK(reply.status == 200);
  CHECK(json::parse(reply.body)["content"] == content);
  // The examples register three trunks.
  std::string examples_content = uacreg_content(examples());
  CHECK(std::count(examples_content.begin(), examples_content.end(), '\n') == 4);
}

TEST_CASE("explain replies evaluate time windows at the given time") {
  json body = {{"source_ip", "192.0.2.10"}, {"from_uri", "sip:0140000123@x"}, {"to_uri", "sip:0561234567@y"},
               {"at", "2026-12-01T23:00:00+01:00"}};
  auto reply = explain_reply(examples(), body.dump(), env_at(kTueDay));
  REQUIRE(reply.status == 200);
  auto j = json::parse(reply.body);
  CHECK(j["match"]["name"] == "main-fr-night");
  CHECK(j["at"] == "2026-12-01T22:00:00Z");
  body["at"] = "tomorrow";
  auto bad = explain_reply(examples(), body.dump(), env_at(kTueDay));
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["error"]["details"]["field"] == "at");
}

}  // namespace c4::routing
