// The fast routing-reply writer (api/routing/reply_writer.h) against the nlohmann objects it
// replaces on the hot path (auth_json, rtjson): same bytes, for every call scenario of the
// examples and for display names full of quotes, backslashes, control characters and UTF-8.
#include "api/routing/kamailio.h"
#include "api/routing/reply_writer.h"
#include "api/routing/sip_text.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using nlohmann::json;

// What routing_reply() sent before the writer: the objects, dumped as json_reply() does.
std::string oracle(const Snapshot& s, const RouteDecision& d, bool want_auth) {
  json out = {{"auth", want_auth ? auth_json(s, d.caller) : json(nullptr)}, {"rtjson", rtjson(s, d)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Calls that exercise every path of the examples: each scenario's caller (the source addresses
// of examples/README.md, an unknown one, IPBXs named by username) to each scenario's number.
std::vector<CallRequest> scenario_calls() {
  const std::vector<std::pair<std::string, std::string>> callers = {
      {"203.0.113.10", ""}, {"203.0.113.20", ""}, {"203.0.113.80", ""}, {"203.0.113.65", ""},
      {"192.0.2.10", ""},   {"192.0.2.33", "acme-lyon"}, {"198.51.100.40", ""}, {"198.51.100.49", ""},
      {"192.0.2.200", ""},  {"10.9.9.9", ""}};
  const std::vector<std::pair<std::string, std::string>> numbers = {
      {"0140000123", "c4.example"},   {"0472100542", "c4.example"},     {"0188500042", "c4.example"},
      {"0472100042", "c4.example"},   {"00390612345678", "c4.example"}, {"00447700900123", "c4.example"},
      {"0561234567", "c4.example"},   {"0012125550100", "c4.example"},  {"0412700042", "c4.example"},
      {"0688881234", "c4.example"},   {"3470186654", "c4.example"},     {"0033561234567", "c4.example"},
      {"0551234567", "c4.example"},   {"800123456", "c4.example"},      {"0645670001", "c4.example"},
      {"reception", "lyon.acme.example.com"}, {"00123", "c4.example"},  {"+33140000123", "c4.example"}};
  std::vector<CallRequest> out;
  for (const auto& [ip, username] : callers)
    for (const auto& [number, host] : numbers) {
      CallRequest r = call(ip, "0612345678", number, host);
      r.username = username;
      out.push_back(r);
    }
  return out;
}

}  // namespace

TEST_CASE("the reply writer writes the same bytes as the nlohmann objects for every scenario call") {
  int routed = 0, with_credentials = 0;
  for (const std::string& when : {kTueDay, kTueNight, kSatAfternoon})
    for (CallRequest r : scenario_calls())
      for (bool want_auth : {false, true}) {
        r.from_name = want_auth ? "Alice" : "";
        RouteDecision d = route(examples(), r, env_at(when));
        std::string text;
        REQUIRE(write_routing_reply(examples(), d, want_auth, text));
        CHECK_MESSAGE(text == oracle(examples(), d, want_auth), r.source_ip, " → ", r.to_uri, " at ", when);
        CHECK(json::parse(text) == json::parse(oracle(examples(), d, want_auth)));
        routed += !d.routes.empty();
        with_credentials += text.find("\"auth_password\"") != std::string::npos;
      }
  CHECK(routed > 50);           // the calls reach IPBXs and trunks…
  CHECK(with_credentials > 0);  // …and some answers carry next-hop credentials
}

TEST_CASE("the reply writer escapes hostile display names as nlohmann does") {
  const std::vector<std::string> names = {
      "\"quoted\" \\ back\\slash",  std::string("nul\0byte", 8), "\x01\x02\x1f\x7f tab\there\r\nline",
      "\b\f",                       "Zoë Ñandú 日本語 🎉",          "</script><!-- ' & -->",
      "\\u0041 not an escape",      ""};
  for (const auto& name : names) {
    CallRequest r = call("203.0.113.10", "0612345678", "0140000123");
    r.from_name = name;
    r.to_name = name + name;
    RouteDecision d = route(examples(), r, env_at(kTueDay));
    REQUIRE(d.routes.size() == 1);
    std::string text;
    REQUIRE(write_routing_reply(examples(), d, true, text));
    CHECK(text == oracle(examples(), d, true));
    json parsed = json::parse(text);
    // The displays are what sip_display_name makes of the names (quoted once, or dropped).
    CHECK(parsed["rtjson"]["routes"][0]["headers"]["from"]["display"] == sip_display_name(name).quoted);
    CHECK(parsed["rtjson"]["routes"][0]["headers"]["to"]["display"] == sip_display_name(name + name).quoted);
  }
}

TEST_CASE("the reply writer hands strings that are not UTF-8 back to nlohmann") {
  std::string text;
  CHECK_FALSE(append_json_string(text, "bad \xC3 byte"));
  CHECK_FALSE(append_json_string(text, "overlong \xC0\xAF"));
  CHECK_FALSE(append_json_string(text, "surrogate \xED\xA0\x80"));
  text.clear();
  CHECK(append_json_string(text, "ok \xC3\xA9"));
  CHECK(text == "\"ok \xC3\xA9\"");
  // A request cannot smuggle bad bytes in (both parsers refuse them); its \u escapes come
  // out as UTF-8.
  CallRequest r = call("203.0.113.10", "0612345678", "0140000123");
  json body = {{"source_ip", r.source_ip}, {"from_uri", r.from_uri}, {"to_uri", r.to_uri}};
  std::string raw = body.dump();
  raw.insert(raw.size() - 1, ",\"from_name\":\"caf\\u00e9\"");
  auto reply = routing_reply(examples(), raw, env_at(kTueDay));
  REQUIRE(reply.status == 200);
  CHECK(json::parse(reply.body)["rtjson"]["routes"][0]["headers"]["from"]["display"] == "\"caf\xC3\xA9\"");
}

TEST_CASE("routing_reply answers with the writer's bytes") {
  json body = {{"source_ip", "192.0.2.33"}, {"username", "acme-lyon"}, {"auth", "1"}, {"from_name", "Lyon \"PBX\""},
               {"from_uri", "sip:0472100001@lyon.acme.example.com"}, {"to_uri", "sip:0140000123@c4.example"}};
  auto reply = routing_reply(examples(), body.dump(), env_at(kTueDay));
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  auto request = parse_call_request(body, RequestKind::routing);
  REQUIRE(request.is_ok());
  CHECK(reply.body == oracle(examples(), route(examples(), *request, env_at(kTueDay)), true));
}

}  // namespace c4::routing
