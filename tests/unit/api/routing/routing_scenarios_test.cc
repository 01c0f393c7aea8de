// Every call scenario of examples/README.md ("Call scenarios to try"), routed through the
// engine against the compiled examples. Times: kTueDay = Tuesday 10:00, kTueNight = Tuesday
// 23:00, kSatAfternoon = Saturday 14:00, Paris and Rome time.
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using Names = std::vector<std::string>;

// Source addresses of the examples.
const std::string kOrangeParis = "203.0.113.10", kOrangeLyon = "203.0.113.20", kTimRoma = "203.0.113.80",
                  kTimMilano = "203.0.113.65", kParisHq = "192.0.2.10", kLyonPbx = "192.0.2.33",
                  kVenezia = "198.51.100.40", kRomaPbx = "198.51.100.49";

RouteDecision route_at(const CallRequest& r, const std::string& when = kTueDay) {
  return route(examples(), r, env_at(when));
}

std::string matched(const RouteDecision& d) {
  const Meta* m = match_meta(examples(), d.match);
  return m ? m->name : "";
}

Names targets_of(const RouteDecision& d) { return targets(examples(), d); }

std::string to_user(const Route& r) { return r.to_uri.substr(4, r.to_uri.find('@') - 4); }

CallRequest from_lyon_pbx(const std::string& from_user, const std::string& to) {
  auto r = call(kLyonPbx, from_user, to);
  r.username = "acme-lyon";
  return r;
}

}  // namespace

TEST_CASE("scenario 1 inbound from orange-paris reaches the DID range's IPBX with the national To user") {
  auto d = route_at(call(kOrangeParis, "0612345678", "0140000123"));
  REQUIRE(d.routes.size() == 1);
  CHECK(matched(d) == "paris-hq-main");
  CHECK(d.match.kind == Match::Kind::did);
  CHECK(d.callee_number == "+33140000123");
  CHECK(targets_of(d) == Names{"acme-paris-hq"});
  CHECK(d.routes[0].dst_uri == "sip:192.0.2.10:5060");
  CHECK(d.routes[0].to_uri == "sip:0140000123@192.0.2.10");
}

TEST_CASE("scenario 2 a trunk-restricted DID answers its own trunk only") {
  auto d = route_at(call(kOrangeLyon, "0612345678", "0472100542"));
  CHECK(matched(d) == "lyon-orange-only");
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].dst_uri == "sip:pbx.lyon.acme.example.com:5080");
  auto other = route_at(call(kOrangeParis, "0612345678", "0472100542"));
  CHECK(other.routes.empty());
  CHECK(other.no_route_reason.find("no DID") != std::string::npos);
}

TEST_CASE("scenario 3 a prefix DID catches the call-centre numbers") {
  auto d = route_at(call(kOrangeParis, "0612345678", "0188500042"));
  CHECK(matched(d) == "paris-callcenter");
  CHECK(targets_of(d) == Names{"acme-paris-hq"});
}

TEST_CASE("scenario 4 mobile DID from tim-roma and regex DID from tim-milano") {
  auto mobile = route_at(call(kTimRoma, "0612345678", "3470186654"));
  CHECK(mobile.callee_number == "+393470186654");
  CHECK(matched(mobile) == "roma-mobile");
  CHECK(targets_of(mobile) == Names{"lagoon-roma"});
  auto helpdesk = route_at(call(kTimMilano, "0612345678", "0688881234"));
  CHECK(matched(helpdesk) == "roma-helpdesk");
  CHECK(helpdesk.match.how.find("regex") == 0);
  CHECK(targets_of(helpdesk) == Names{"lagoon-roma"});
}

TEST_CASE("scenario 5 Italian numbers keep their leading 0 both ways") {
  auto d = route_at(call(kTimMilano, "0612345678", "0412700042"));
  CHECK(d.callee_number == "+390412700042");
  CHECK(matched(d) == "venezia-main");
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].dst_uri == "sip:198.51.100.40:5060");
  CHECK(to_user(d.routes[0]) == "0412700042");
}

TEST_CASE("scenario 6 Italy from Paris goes to voxbone then orange-paris in international format") {
  auto d = route_at(call(kParisHq, "0140000123", "00390612345678"));
  CHECK(d.callee_number == "+390612345678");
  CHECK(matched(d) == "main-italy");
  CHECK(targets_of(d) == Names{"voxbone-fr", "orange-paris"});
  CHECK(to_user(d.routes[0]) == "00390612345678");
  CHECK(d.routes[0].dst_uri == "sip:fr.sip.voxbone.example:5060");
}

TEST_CASE("scenario 7 Italian mobiles match the longer prefix with length bounds") {
  auto d = route_at(call(kParisHq, "0140000123", "00393391234567"));
  CHECK(matched(d) == "main-italy-mobile");
  CHECK(targets_of(d) == Names{"voxbone-fr", "orange-lyon"});
}

TEST_CASE("scenario 8 France by day gives three routes for serial failover") {
  auto d = route_at(call(kParisHq, "0140000123", "0561234567"), kTueDay);
  CHECK(matched(d) == "main-fr");
  CHECK(targets_of(d) == Names{"orange-paris", "orange-lyon", "voxbone-fr"});
  CHECK(to_user(d.routes[0]) == "0561234567");
}

TEST_CASE("scenario 9 France at night and at weekends takes the night rule") {
  for (const auto& when : {kTueNight, kSatAfternoon}) {
    auto d = route_at(call(kParisHq, "0140000123", "0561234567"), when);
    CHECK_MESSAGE(matched(d) == "main-fr-night", when);
    CHECK(targets_of(d) == Names{"voxbone-fr", "orange-paris"});
  }
}

TEST_CASE("scenario 10 the call-centre rule by day and the night rule still wins at night") {
  auto day = route_at(call(kParisHq, "0188500042", "0561234567"), kTueDay);
  CHECK(day.caller_number == "+33188500042");
  CHECK(matched(day) == "main-callcenter-fr");
  CHECK(targets_of(day) == Names{"orange-paris", "orange-lyon", "voxbone-fr"});
  auto night = route_at(call(kParisHq, "0188500042", "0561234567"), kTueNight);
  CHECK(matched(night) == "main-fr-night");
}

TEST_CASE("scenario 11 on-net by DID and by domain reach acme-lyon with one route") {
  auto d = route_at(call(kParisHq, "0140000123", "0472100042"));
  CHECK(d.match.kind == Match::Kind::onnet_did);
  CHECK(matched(d) == "lyon-main");
  CHECK(targets_of(d) == Names{"acme-lyon"});
  CHECK(d.routes[0].dst_uri == "sip:pbx.lyon.acme.example.com:5080");
  auto by_domain = route_at(call(kParisHq, "0140000123", "reception", "lyon.acme.example.com"));
  CHECK(by_domain.match.kind == Match::Kind::domain);
  CHECK(targets_of(by_domain) == Names{"acme-lyon"});
}

TEST_CASE("scenario 12 UK mobiles by regex rule without failover and UK landlines with failover") {
  auto mobile = route_at(call(kParisHq, "0140000123", "00447700900123"));
  CHECK(matched(mobile) == "main-uk-mobile");
  CHECK(targets_of(mobile) == Names{"voxbone-fr"});
  auto london = route_at(call(kParisHq, "0140000123", "00442079460000"));
  CHECK(matched(london) == "main-uk");
  CHECK(targets_of(london) == Names{"orange-paris", "voxbone-fr"});
}

TEST_CASE("scenario 13 North America by Paris business hours and too short numbers get no route") {
  auto day = route_at(call(kParisHq, "0140000123", "0012125550100"), kTueDay);
  CHECK(matched(day) == "main-us-business-hours");
  CHECK(targets_of(day) == Names{"orange-paris", "voxbone-fr"});
  auto evening = route_at(call(kParisHq, "0140000123", "0012125550100"), "2026-12-01T21:00:00Z");
  CHECK(matched(evening) == "main-us");
  CHECK(targets_of(evening) == Names{"voxbone-fr"});
  auto shorty = route_at(call(kParisHq, "0140000123", "00123"));
  CHECK(shorty.callee_number == "+123");
  CHECK(shorty.routes.empty());
  CHECK(shorty.no_route_reason.find("no rule") != std::string::npos);
}

TEST_CASE("scenario 14 the longer prefix of the Lyon plan beats its night rule") {
  auto d = route_at(from_lyon_pbx("0472100001", "0450123456"), kTueNight);
  CHECK(d.caller.kind == Caller::Kind::ipbx);
  CHECK(matched(d) == "lyon-fr-local");
  CHECK(targets_of(d) == Names{"orange-lyon", "orange-paris", "voxbone-fr"});
}

TEST_CASE("scenario 15 Italy by day by night and in the dated maintenance window") {
  auto day = route_at(call(kVenezia, "0412700001", "0551234567"), kTueDay);
  CHECK(day.callee_number == "+390551234567");
  CHECK(matched(day) == "it-national");
  CHECK(targets_of(day) == Names{"tim-milano", "tim-roma"});
  auto night = route_at(call(kVenezia, "0412700001", "0551234567"), kTueNight);
  CHECK(matched(night) == "it-night");
  CHECK(targets_of(night) == Names{"tim-roma", "tim-milano"});
  auto maintenance = route_at(call(kVenezia, "0412700001", "0551234567"), "2027-01-17T02:00:00Z");
  CHECK(matched(maintenance) == "it-milano-maintenance");
  CHECK(targets_of(maintenance) == Names{"tim-roma"});
}

TEST_CASE("scenario 16 Rome Milan mobile and toll-free rules of the Lagoon plan") {
  auto rome = route_at(call(kVenezia, "0412700001", "0612345678"));
  CHECK(matched(rome) == "it-rome");
  CHECK(targets_of(rome) == Names{"tim-roma", "tim-milano"});
  auto milan = route_at(call(kVenezia, "0412700001", "0212345678"));
  CHECK(matched(milan) == "it-milan");
  CHECK(targets_of(milan) == Names{"tim-milano", "tim-roma"});
  auto mobile = route_at(call(kVenezia, "0412700001", "3391234567"));
  CHECK(matched(mobile) == "it-mobile");
  CHECK(targets_of(mobile) == Names{"tim-roma", "tim-milano"});
  auto free = route_at(call(kVenezia, "0412700001", "800123456"));
  CHECK(matched(free) == "it-tollfree");
  CHECK(targets_of(free) == Names{"tim-milano"});
}

TEST_CASE("scenario 17 Rome callers reach France through tim-roma and Venice through the default") {
  auto r = call(kRomaPbx, "0645670001", "0033561234567");
  r.username = "lagoon-roma";
  auto rome = route_at(r);
  CHECK(rome.caller_number == "+390645670001");
  CHECK(matched(rome) == "rome-callers-to-france");
  CHECK(targets_of(rome) == Names{"tim-roma", "tim-milano"});
  CHECK(to_user(rome.routes[0]) == "0033561234567");
  auto venice = route_at(call(kVenezia, "0412700001", "0033561234567"));
  CHECK(matched(venice) == "lagoon-international");
  CHECK(targets_of(venice) == Names{"tim-milano", "tim-roma"});
}

TEST_CASE("scenario 18 on-net between Lagoon's PBXs") {
  auto d = route_at(call(kVenezia, "0412700001", "0645670001"));
  CHECK(d.match.kind == Match::Kind::onnet_did);
  CHECK(matched(d) == "roma-main");
  CHECK(targets_of(d) == Names{"lagoon-roma"});
}

TEST_CASE("scenario 19 another tenant's number is not on-net") {
  auto d = route_at(call(kVenezia, "0412700001", "0033140000123"));
  CHECK(d.match.kind == Match::Kind::rule);
  CHECK(matched(d) == "lagoon-international");
  CHECK(targets_of(d) == Names{"tim-milano", "tim-roma"});
}

}  // namespace c4::routing
