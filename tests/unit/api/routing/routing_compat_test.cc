// What existing wazo-router-confd deployments send and rely on (issue 14): the IPBX digest
// bound to its SIP domain while `realm` serves the credentials sent to it, numbers written
// with visual separators, and E.164 numbers without '+'.
#include "api/routing/kamailio.h"
#include "api/routing/normalizer.h"
#include "api/routing/phone_user.h"
#include "common/sha.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using nlohmann::json;

// pbxa: SIP domain pbx.example, challenges our calls with its own realm "asterisk".
// pbxb: no Domain, its digest realm given explicitly.
std::string digest_manifests() {
  return c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: Domain
metadata: {name: pbxa-domain, tenant: acme}
spec: {domain: pbx.example}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbxa, tenant: acme}
spec: {host: 192.0.2.50, allowedSources: [192.0.2.50], domain: pbxa-domain, username: user, password: secret,
       realm: asterisk}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbxb, tenant: acme}
spec: {host: 192.0.2.60, allowedSources: [192.0.2.60], username: userb, passwordFrom: {env: C4_SECRET_PBXB_PASSWORD},
       digestRealm: edge.example}
)";
}

json post(const api::HttpReply& reply) {
  REQUIRE(reply.status == 200);
  return json::parse(reply.body);
}

// The routing answer's text for a call from pbx1 to `to_uri`, with `from_uri` as the caller.
std::string routing_body(const Snapshot& s, const std::string& source_ip, const std::string& from_uri,
                         const std::string& to_uri) {
  json request = {{"source_ip", source_ip}, {"from_uri", from_uri}, {"to_uri", to_uri}, {"auth", true},
                  {"call_id", "compat-call"}};
  auto reply = routing_reply(s, request.dump(), env_at(kTueDay));
  REQUIRE(reply.status == 200);
  return reply.body;
}

// The user part of a SIP URI ("sip:USER@host").
std::string user_of(const std::string& uri) { return uri.substr(4, uri.find('@') - 4); }

// Checks that no visual separator (nor an escape) is left in the numbers of every route.
void check_no_separator(const json& rtjson) {
  for (const auto& r : rtjson["routes"]) {
    for (std::string uri : {r["headers"]["from"]["uri"].get<std::string>(), r["headers"]["to"]["uri"].get<std::string>()})
      CHECK_MESSAGE(user_of(uri).find_first_of(" -.()%") == std::string::npos, uri);
    std::string pai = r["headers"]["extra"];
    std::string pai_uri = pai.substr(pai.find('<') + 1, pai.find('>') - pai.find('<') - 1);
    CHECK_MESSAGE(user_of(pai_uri).find_first_of(" -.()%") == std::string::npos, pai);
  }
}

// A French national profile for Normalizer tests, with `e164WithoutPlus` and extra rules.
NormalizationProfile profile(const std::string& country, const std::string& intl, const std::string& ld,
                             bool without_plus) {
  NormalizationProfile p;
  p.meta.name = "p";
  p.country_code = country;
  p.international_prefix = intl;
  p.long_distance_prefix = ld;
  p.e164_without_plus = without_plus;
  return p;
}

std::string inbound(const NormalizationProfile& p, const std::string& number) {
  auto n = Normalizer::compile(p);
  REQUIRE(n.is_ok());
  return n->rewrite(number, Normalizer::Direction::inbound, Normalizer::Role::callee);
}

}  // namespace

// ---- the IPBX digest realm --------------------------------------------------------------

TEST_CASE("an IPBX's password_ha1 is bound to its SIP domain, not to the realm of the credentials sent to it") {
  auto s = compile_yaml(digest_manifests());
  const std::string ha1 = md5_hex("user:pbx.example:secret");
  auto auth = post(auth_reply(*s, R"({"source_ip": "192.0.2.50", "username": "user"})"));
  CHECK(auth["success"] == true);
  CHECK(auth["domain"] == "pbx.example");
  CHECK(auth["password_ha1"] == ha1);
  // The routing answer's auth object (the writer's fast path) says the same.
  auto routed = json::parse(routing_body(*s, "192.0.2.50", "sip:100@pbx.example", "sip:+33140000123@c4.example"));
  CHECK(routed["auth"]["password_ha1"] == ha1);
  // A password given to /auth verifies against the digest over the SIP domain.
  CHECK(post(auth_reply(*s, R"({"source_ip": "192.0.2.50", "username": "user", "password": "secret"})"))["success"] ==
        true);
  CHECK(post(auth_reply(*s, R"({"source_ip": "192.0.2.50", "username": "user", "password": "wrong"})"))["success"] ==
        false);
  // Calls sent to the PBX offer the credentials of its own realm.
  auto to_pbx = json::parse(routing_body(*s, "192.0.2.10", "sip:100@c4.example", "sip:200@pbx.example"));
  REQUIRE(to_pbx["rtjson"]["success"] == true);
  CHECK(to_pbx["rtjson"]["routes"][0]["dst_uri"] == "sip:192.0.2.50:5060");
  CHECK(to_pbx["rtjson"]["realm"] == "asterisk");
  CHECK(to_pbx["rtjson"]["auth_username"] == "user");
  CHECK(to_pbx["rtjson"]["auth_password"] == "secret");
}

TEST_CASE("digestRealm names the digest realm of an IPBX without a domain") {
  SnapshotOptions options;
  options.resolve_secret = [](const SecretRef&) -> Result<std::string> { return std::string("pw-b"); };
  auto s = compile_yaml(digest_manifests(), options);
  auto auth = post(auth_reply(*s, R"({"source_ip": "192.0.2.60", "username": "userb"})"));
  CHECK(auth["password_ha1"] == md5_hex("userb:edge.example:pw-b"));
  CHECK(post(auth_reply(*s, R"({"source_ip": "192.0.2.60", "username": "userb", "password": "pw-b"})"))["success"] ==
        true);
}

TEST_CASE("a stored ha1 is taken as it is") {
  const std::string stored = md5_hex("user:pbx.example:old-secret");
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: Domain
metadata: {name: d, tenant: acme}
spec: {domain: pbx.example}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: hashed, tenant: acme}
spec: {host: 192.0.2.51, allowedSources: [192.0.2.51], domain: d, username: user, realm: asterisk, ha1: )" +
                        stored + "}\n");
  auto auth = post(auth_reply(*s, R"({"source_ip": "192.0.2.51", "username": "user"})"));
  CHECK(auth["password_ha1"] == stored);
  CHECK(post(auth_reply(*s, R"({"source_ip": "192.0.2.51", "username": "user", "password": "old-secret"})"))["success"] ==
        true);
}

TEST_CASE("an IPBX with a digest user and no domain nor digestRealm is refused with the reason") {
  auto r = c4::test::validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: 192.0.2.11, username: u, passwordFrom: {env: C4_SECRET_P2_PASSWORD}, realm: asterisk}
)");
  CHECK(c4::test::problem_text(r) ==
        "test.yaml:4:1: error: IPBX acme/p2 /spec: an IPBX that authenticates by digest needs its digest realm (the "
        "realm Kamailio challenges it with): give domain or digestRealm (realm is for the credentials sent to the "
        "IPBX)\n");
  CHECK_FALSE(r.ok());
}

TEST_CASE("the examples challenge lagoon-roma over its domain and answer its challenges with realm asterisk") {
  auto auth = post(auth_reply(examples(), R"({"source_ip": "198.51.100.49", "username": "lagoon-roma"})"));
  CHECK(auth["password_ha1"] == md5_hex("lagoon-roma:roma.lagoon.test:secret-of-C4_SECRET_LAGOON_ROMA_SIP_PASSWORD"));
  auto d = route(examples(), call("203.0.113.80", "0612345678", "3470186654"), env_at(kTueDay));
  REQUIRE(targets(examples(), d) == std::vector<std::string>{"lagoon-roma"});
  CHECK(rtjson(examples(), d)["realm"] == "asterisk");
}

// ---- visual separators --------------------------------------------------------------------

TEST_CASE("phone_user reads RFC 3966 visual separators and escapes, and leaves other users alone") {
  CHECK(phone_user("+33 1 40 00 12 34") == "+33140001234");
  CHECK(phone_user("+33-1-40-00-12-34") == "+33140001234");
  CHECK(phone_user("+33%201%2040%2000%2012%2034") == "+33140001234");
  CHECK(phone_user("%2B33.1.40.00.12.34") == "+33140001234");
  CHECK(phone_user("(040) 123.4567") == "0401234567");
  CHECK(phone_user("*31#") == "*31#");
  CHECK(phone_user("+33140001234") == "+33140001234");
  for (const char* kept : {"alice", "alice.smith", "john%20doe", "bob-1", "+", "-", "()", "1%2", "1%zz", "1%", "12+3",
                           "1%0D%0A2", "1%002", "0140\r\n001234"})
    CHECK_MESSAGE(phone_user(kept) == kept, kept);
  std::string nul("01 40\0 00", 9);
  CHECK(phone_user(nul) == nul);
  std::string huge;
  for (int i = 0; i < 100000; ++i) huge += "1-";
  CHECK(phone_user(huge) == std::string(100000, '1'));
}

TEST_CASE("a callee written with separators routes exactly like the same number without them") {
  const std::string plain = routing_body(examples(), "203.0.113.10", "sip:+33612345678@caller.example",
                                         "sip:+33140000123@c4.example");
  REQUIRE(json::parse(plain)["rtjson"]["success"] == true);
  for (const char* to : {"sip:+33%201%2040%2000%2001%2023@c4.example", "sip:+33 1 40 00 01 23@c4.example",
                         "sip:+33-1-40-00-01-23@c4.example;user=phone", "<sip:+33.1.40.00.01.23@c4.example;user=phone>",
                         "tel:+33-1-40-00-01-23", "sip:(01) 40.00-01%2023;phone-context=+33@c4.example;user=phone",
                         "sip:01-40-00-01-23;phone-context=+33@c4.example"}) {
    std::string body = routing_body(examples(), "203.0.113.10", "sip:+33612345678@caller.example", to);
    CHECK_MESSAGE(body == plain, to);
  }
}

TEST_CASE("a caller written with separators reaches From, To and PAI without them") {
  const std::string plain = routing_body(examples(), "192.0.2.10", "sip:0140000123@paris.acme.example.com",
                                         "sip:0561234567@c4.example");
  auto plain_json = json::parse(plain);
  REQUIRE(plain_json["rtjson"]["success"] == true);
  for (const char* from : {"sip:01.40.00.01.23@paris.acme.example.com", "sip:01%2040%2000%2001%2023@paris.acme.example.com",
                           "\"Desk\" <sip:(01) 40-00-01-23@paris.acme.example.com;user=phone>"}) {
    for (const char* to : {"sip:05 61 23 45 67@c4.example", "sip:05-61-23-45-67@c4.example;user=phone"}) {
      std::string body = routing_body(examples(), "192.0.2.10", from, to);
      CHECK_MESSAGE(json::parse(body)["rtjson"] == plain_json["rtjson"], (std::string(from) + " -> " + to));
      check_no_separator(json::parse(body)["rtjson"]);
    }
  }
}

// ---- E.164 without '+' --------------------------------------------------------------------

TEST_CASE("e164WithoutPlus lets a migrated trunk reach its DIDs with numbers sent without '+'") {
  auto manifests = [](const std::string& flag) {
    return c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: migrated, tenant: acme}
spec:
  countryCode: "33"
  e164WithoutPlus: )" + flag + R"(
  rules:
    - {name: national, direction: inbound, match: '^0([1-9][0-9]{8})$', replace: '33\1'}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: legacy, tenant: acme}
spec: {carrier: orange, sipProxy: legacy.example, allowedSources: [203.0.113.30], normalizationProfile: migrated}
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: main, tenant: acme}
spec: {ipbx: pbx1, numbers: ["+33140001234"]}
)";
  };
  auto on = compile_yaml(manifests("true"));
  auto off = compile_yaml(manifests("false"));
  for (const char* to : {"33140001234", "0140001234", "33 1 40 00 12 34"}) {
    auto d = route(*on, call("203.0.113.30", "33612345678", to), env_at(kTueDay));
    CHECK_MESSAGE(targets(*on, d) == std::vector<std::string>{"pbx1"}, to);
    CHECK(d.callee_number == "+33140001234");
    CHECK(d.caller_number == "+33612345678");
    CHECK_MESSAGE(route(*off, call("203.0.113.30", "33612345678", to), env_at(kTueDay)).routes.empty(), to);
  }
  // Explain names the step.
  RouteEnv env = env_at(kTueDay);
  env.explain = true;
  auto d = route(*on, call("203.0.113.30", "33612345678", "0140001234"), env);
  REQUIRE(d.steps.size() >= 2);
  CHECK(d.steps[0].rule == "national");
  CHECK(d.steps[1].rule == "e164WithoutPlus");
  CHECK(d.steps[1].before == "33140001234");
  CHECK(d.steps[1].after == "+33140001234");
}

TEST_CASE("e164WithoutPlus leaves national, short and prefixed numbers alone") {
  auto fr = profile("33", "00", "0", true);
  CHECK(inbound(fr, "33140001234") == "+33140001234");
  CHECK(inbound(fr, "0140001234") == "0140001234");        // national (long-distance prefix)
  CHECK(inbound(fr, "0033140001234") == "0033140001234");  // international prefix: a rule's job
  CHECK(inbound(fr, "100") == "100");                      // an extension
  CHECK(inbound(fr, "4000123") == "4000123");              // 7 digits: a local subscriber number
  CHECK(inbound(fr, "40001234") == "+40001234");           // 8 digits: read as international
  CHECK(inbound(fr, "3314000123456789") == "3314000123456789");  // 16 digits: longer than E.164
  CHECK(inbound(fr, "+33140001234") == "+33140001234");
  CHECK(inbound(fr, "3314000123a") == "3314000123a");
  CHECK(inbound(fr, "anonymous") == "anonymous");
  CHECK(inbound(profile("33", "00", "0", false), "33140001234") == "33140001234");  // the default: off
  // North America: the long-distance prefix is the country code, and both readings agree.
  auto nanp = profile("1", "011", "1", true);
  CHECK(inbound(nanp, "12125551234") == "+12125551234");
  CHECK(inbound(nanp, "01133140001234") == "01133140001234");
  // Russia: 8 is the long-distance prefix, 7 the country code.
  auto ru = profile("7", "810", "8", true);
  CHECK(inbound(ru, "84951234567") == "84951234567");
  CHECK(inbound(ru, "74951234567") == "+74951234567");
  // Italy has no long-distance prefix: a mobile in national form reads as international
  // (34 is Spain) unless a rule, which runs first, claims it.
  auto it = profile("39", "00", "", true);
  CHECK(inbound(it, "390612345678") == "+390612345678");
  CHECK(inbound(it, "0612345678") == "0612345678");
  CHECK(inbound(it, "3471234567") == "+3471234567");
  NormalizationRule mobile;
  mobile.name = "it-mobile";
  mobile.match = "^(3[0-9]{8,9})$";
  mobile.replace = "+39\\1";
  it.rules.push_back(mobile);
  CHECK(inbound(it, "3471234567") == "+393471234567");
}

TEST_CASE("e164WithoutPlus defaults to false in the code as in the schema") {
  NormalizationProfile p;
  CHECK_FALSE(p.e164_without_plus);
  auto r = c4::test::validate_with_base(R"(apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: np, tenant: acme}
spec: {countryCode: "33"}
)");
  REQUIRE(r.ok());
  const auto* decoded = r.catalog.find<NormalizationProfile>("acme", "np");
  REQUIRE(decoded != nullptr);
  CHECK_FALSE(decoded->e164_without_plus);
  auto bad = c4::test::validate_with_base(R"(apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: np, tenant: acme}
spec: {countryCode: "33", e164WithoutPlus: "yes"}
)");
  CHECK_FALSE(bad.ok());
  CHECK(c4::test::problem_text(bad).find("/spec/e164WithoutPlus") != std::string::npos);
}

// ---- the decisions written down in docs/routing.md ("Decisions the old service made
// silently") ---------------------------------------------------------------------------------

TEST_CASE("a caller from an unknown address is not routed even to a known To domain") {
  auto r = call("10.9.9.9", "100", "200", "paris.acme.example.com");
  auto d = route(examples(), r, env_at(kTueDay));
  CHECK(d.caller.kind == Caller::Kind::none);
  CHECK(d.routes.empty());
  auto body = json::parse(routing_body(examples(), "10.9.9.9", r.from_uri, r.to_uri));
  CHECK(body["auth"]["success"] == false);
  CHECK(body["rtjson"] == json{{"success", false}});
  // The same call from a known IPBX of that tenant reaches the domain's IPBX.
  auto known = route(examples(), call("192.0.2.33", "100", "200", "paris.acme.example.com"), env_at(kTueDay));
  CHECK(known.match.kind == Match::Kind::domain);
}

TEST_CASE("a correct digest does not widen an IPBX's allowedSources") {
  auto inside = post(auth_reply(examples(), R"({"source_ip": "192.0.2.34", "username": "acme-lyon",
                                               "password": "secret-of-C4_SECRET_ACME_LYON_SIP_PASSWORD"})"));
  CHECK(inside["success"] == true);
  auto outside = post(auth_reply(examples(), R"({"source_ip": "203.0.113.200", "username": "acme-lyon",
                                                "password": "secret-of-C4_SECRET_ACME_LYON_SIP_PASSWORD"})"));
  CHECK(outside["success"] == false);
  auto r = call("203.0.113.200", "0472100001", "0561234567");
  r.username = "acme-lyon";
  CHECK(identify_caller(examples(), r, CallerMatching::strict).kind == Caller::Kind::none);
}

TEST_CASE("an address match accepts a different From domain, legacy matching does not") {
  auto r = call("192.0.2.10", "0140000123", "0561234567");
  r.domain = "somewhere-else.example";
  auto strict = identify_caller(examples(), r, CallerMatching::strict);
  REQUIRE(strict.kind == Caller::Kind::ipbx);
  CHECK(caller_meta(examples(), strict)->name == "acme-paris-hq");
  auto legacy = identify_caller(examples(), r, CallerMatching::legacy);
  CHECK(legacy.kind != Caller::Kind::ipbx);
}

}  // namespace c4::routing
