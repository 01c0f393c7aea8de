// Each defect of the old service listed in the Kamailio contract ("Known defects"), shown
// fixed. (Kamailio's own calls needing no token is the HTTP server's business, tested there.)
#include <thread>

#include "api/routing/kamailio.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using Names = std::vector<std::string>;

// One IPBX and one trunk without any allowed source, one IPBX with anySource and a username,
// one IPBX with anySource and nothing else (the explicit wildcard of a second tenant).
std::string sourceless_manifests() {
  return c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: nosource, tenant: acme}
spec: {host: nosource.example, username: pbxuser, password: pbx-secret, digestRealm: acme.example}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: nosource-trunk, tenant: acme}
spec: {carrier: orange, sipProxy: nosource-trunk.example}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: roaming, tenant: acme}
spec: {host: roaming.example, anySource: true, username: roamer, password: roam-secret, digestRealm: acme.example}
)";
}

}  // namespace

TEST_CASE("P-Asserted-Identity quotes the display name and omits it when empty") {
  auto r = call("203.0.113.10", "0612345678", "0140000123");
  r.from_name = "Alice \"Al\" Martin";
  auto d = route(examples(), r, env_at(kTueDay));
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].from_uri == "sip:0612345678@caller.example");
  CHECK(d.routes[0].pai == "P-Asserted-Identity: \"Alice \\\"Al\\\" Martin\" <sip:0612345678@caller.example>\r\n");
  r.from_name = "";
  d = route(examples(), r, env_at(kTueDay));
  CHECK(d.routes[0].pai == "P-Asserted-Identity: <sip:0612345678@caller.example>\r\n");
  auto body = nlohmann::json::parse(routing_reply(examples(), nlohmann::json{{"from_uri", r.from_uri},
                                                                              {"to_uri", r.to_uri},
                                                                              {"from_name", "Bob"},
                                                                              {"source_ip", r.source_ip}}
                                                                   .dump(),
                                                  env_at(kTueDay))
                                        .body);
  CHECK(body["rtjson"]["routes"][0]["headers"]["extra"] ==
        "P-Asserted-Identity: \"Bob\" <sip:0612345678@caller.example>\r\n");
  // From carries the same quoted-string (uac inserts the display as it is: it must be one).
  CHECK(body["rtjson"]["routes"][0]["headers"]["from"]["display"] == "\"Bob\"");
}

TEST_CASE("normalization rules fire in priority order on both numbers") {
  auto env = env_at(kTueDay);
  env.explain = true;
  auto d = route(examples(), call("203.0.113.10", "0612345678", "0140000123"), env);
  CHECK(d.callee_number == "+33140000123");
  CHECK(d.caller_number == "+33612345678");
  REQUIRE(d.steps.size() >= 2);
  CHECK(d.steps[0].rule == "fr-national-to-e164");
  CHECK(d.steps[0].before == "0140000123");
  CHECK(d.steps[0].after == "+33140000123");
  // The outbound rules of the target's profile turn them back into national format.
  CHECK(d.routes[0].to_uri == "sip:0140000123@192.0.2.10");
  CHECK(d.routes[0].from_uri == "sip:0612345678@caller.example");
}

TEST_CASE("a DID prefix of 10 digits matches") {
  auto d = route(examples(), call("203.0.113.65", "0612345678", "0412799912"), env_at(kTueDay));
  const Meta* m = match_meta(examples(), d.match);
  REQUIRE(m);
  CHECK(m->name == "venezia-hotel");
  CHECK(d.match.how == "prefix +3904127999");
  CHECK(targets(examples(), d) == Names{"lagoon-venezia"});
}

TEST_CASE("a DID match beats the To-domain and says so") {
  auto env = env_at(kTueDay);
  env.explain = true;
  // A Lyon number sent to the Paris domain: the number wins.
  auto d = route(examples(), call("203.0.113.10", "0612345678", "0472100042", "paris.acme.example.com"), env);
  CHECK(d.match.kind == Match::Kind::did);
  CHECK(targets(examples(), d) == Names{"acme-lyon"});
  bool noted = false;
  for (const auto& s : d.skipped) noted |= s.kind == "domain" && s.name == "acme-paris";
  CHECK(noted);
}

TEST_CASE("outbound calls use the routing rules not any trunk of the tenant") {
  auto uk = route(examples(), call("192.0.2.10", "0140000123", "00447700900123"), env_at(kTueDay));
  CHECK(targets(examples(), uk) == Names{"voxbone-fr"});
  auto special = route(examples(), call("192.0.2.10", "0140000123", "0812345678"), env_at(kTueDay));
  CHECK(match_meta(examples(), special.match)->name == "main-fr-special");
  CHECK(targets(examples(), special) == Names{"orange-paris"});
}

TEST_CASE("next-hop credentials are the resolved secret never a hash") {
  auto d = route(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env_at(kTueDay));
  auto rt = rtjson(examples(), d);
  CHECK(rt["auth_username"] == "acme-c4");
  CHECK(rt["auth_password"] == "secret-of-C4_SECRET_VOXBONE_PASSWORD");
  CHECK(rt["realm"] == "voxbone.example");
  CHECK(uacreg_content(examples()).find(":secret-of-C4_SECRET_VOXBONE_PASSWORD:") != std::string::npos);
  // An IPBX target offers its own digest credentials.
  auto onnet = route(examples(), call("192.0.2.10", "0140000123", "0472100042"), env_at(kTueDay));
  auto rt2 = rtjson(examples(), onnet);
  CHECK(rt2["auth_username"] == "acme-lyon");
  CHECK(rt2["auth_password"] == "secret-of-C4_SECRET_ACME_LYON_SIP_PASSWORD");
}

TEST_CASE("a source-less trunk or IPBX and an empty username are not wildcards") {
  auto s = compile_yaml(sourceless_manifests());
  auto r = call("192.0.2.200", "100", "+33140000123");
  CHECK(identify_caller(*s, r, CallerMatching::strict).kind == Caller::Kind::none);
  // Without an address, an IPBX is named by its username, never by an empty one.
  r.username = "pbxuser";
  auto named = identify_caller(*s, r, CallerMatching::strict);
  REQUIRE(named.kind == Caller::Kind::ipbx);
  CHECK(caller_meta(*s, named)->name == "nosource");
  r.username = "roamer";
  auto roamer = identify_caller(*s, r, CallerMatching::strict);
  REQUIRE(roamer.kind == Caller::Kind::ipbx);
  CHECK(caller_meta(*s, roamer)->name == "roaming");
  r.username = "someone-else";
  CHECK(identify_caller(*s, r, CallerMatching::strict).kind == Caller::Kind::none);
  // The old behaviour stays reachable: a trunk without a source matches everyone.
  r.username = "";
  auto legacy = identify_caller(*s, r, CallerMatching::legacy);
  REQUIRE(legacy.kind == Caller::Kind::trunk);
  CHECK(caller_meta(*s, legacy)->name == "nosource-trunk");
}

TEST_CASE("anySource without a username is the explicit wildcard") {
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: open-pbx, tenant: acme}
spec: {host: open.example, anySource: true}
)");
  auto c = identify_caller(*s, call("192.0.2.201", "100", "200"), CallerMatching::strict);
  REQUIRE(c.kind == Caller::Kind::ipbx);
  CHECK(c.matched_by == "anySource");
}

TEST_CASE("the trunk with the most specific allowed source is the caller") {
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: wide-trunk, tenant: acme}
spec: {carrier: orange, sipProxy: wide.orange.example, allowedSources: [198.51.100.0/24]}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: narrow-trunk, tenant: acme}
spec: {carrier: orange, sipProxy: narrow.orange.example, allowedSources: [198.51.100.7]}
)");
  auto narrow = identify_caller(*s, call("198.51.100.7", "100", "200"), CallerMatching::strict);
  REQUIRE(narrow.kind == Caller::Kind::trunk);
  CHECK(caller_meta(*s, narrow)->name == "narrow-trunk");
  CHECK(narrow.matched_by == "source 198.51.100.7");
  auto wide = identify_caller(*s, call("198.51.100.8", "100", "200"), CallerMatching::strict);
  REQUIRE(wide.kind == Caller::Kind::trunk);
  CHECK(caller_meta(*s, wide)->name == "wide-trunk");
  CHECK(wide.matched_by == "source 198.51.100.0/24");
  CHECK(identify_caller(*s, call("198.51.101.8", "100", "200"), CallerMatching::strict).kind == Caller::Kind::none);
}

TEST_CASE("an outbound call to the tenant's own DID gets exactly one route") {
  auto d = route(examples(), call("192.0.2.10", "0140000123", "0472100042"), env_at(kTueDay));
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].target == Route::Target::ipbx);
  CHECK(rtjson(examples(), d)["routes"].size() == 1);
}

TEST_CASE("IPBX routes keep the port like trunk routes") {
  auto d = route(examples(), call("203.0.113.20", "0612345678", "0472100042"), env_at(kTueDay));
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].dst_uri == "sip:pbx.lyon.acme.example.com:5080");
  auto out = route(examples(), call("192.0.2.10", "0140000123", "0561234567"), env_at(kTueDay));
  CHECK(out.routes[0].dst_uri == "sip:sbc-paris.orange.example:5060");
}

TEST_CASE("an outbound caller is recognised by its source address whatever its From domain") {
  auto r = call("192.0.2.11", "0140000123", "0561234567");
  r.domain = "192.0.2.11";  // a PBX that puts its address, not a name, in From
  auto d = route(examples(), r, env_at(kTueDay));
  REQUIRE(d.caller.kind == Caller::Kind::ipbx);
  CHECK(caller_meta(examples(), d.caller)->name == "acme-paris-hq");
  CHECK(d.caller.matched_by == "source 192.0.2.11");
  CHECK_FALSE(d.routes.empty());
}

TEST_CASE("64 concurrent calls to one number each get their own From and P-Asserted-Identity") {
  constexpr int kThreads = 64;
  std::vector<std::string> from(kThreads), pai(kThreads);
  // Compile the snapshot here: doctest assertions (the fixture's REQUIREs) belong to this thread.
  const Snapshot& snapshot = examples();
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      std::string caller = "01400001" + std::to_string(10 + i);
      auto r = call("192.0.2.10", caller, "0561234567");
      r.from_name = "Caller " + std::to_string(i);
      auto body = routing_reply(snapshot,
                                nlohmann::json{{"from_uri", r.from_uri}, {"to_uri", r.to_uri},
                                               {"from_name", r.from_name}, {"source_ip", r.source_ip}}
                                    .dump(),
                                env_at(kTueDay))
                      .body;
      auto j = nlohmann::json::parse(body);
      from[i] = j["rtjson"]["routes"][0]["headers"]["from"]["uri"];
      pai[i] = j["rtjson"]["routes"][0]["headers"]["extra"];
    });
  for (auto& t : threads) t.join();
  // The first target is orange-paris, whose registration sets the From domain.
  for (int i = 0; i < kThreads; ++i) {
    std::string uri = "sip:01400001" + std::to_string(10 + i) + "@paris.acme.example.com";
    CHECK(from[i] == uri);
    CHECK(pai[i] == "P-Asserted-Identity: \"Caller " + std::to_string(i) + "\" <" + uri + ">\r\n");
  }
}

}  // namespace c4::routing
