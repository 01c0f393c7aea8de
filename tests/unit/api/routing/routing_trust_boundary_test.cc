// Issue 12 part 3 and issue 14, in process: what a caller sends (URIs, names, user, tags,
// Call-ID) and what a manifest or secret holds cannot become a SIP header as it is, and every
// route carries its Request-URI. The same over the real binary: call_trust_boundary_test.cc.
#include <cstdio>

#include "api/routing/kamailio.h"
#include "api/routing/request_reader.h"
#include "api/routing/sip_uri.h"
#include "api/routing/snapshot_data.h"
#include "common/text.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using nlohmann::json;

json body_of(const CallRequest& r) {
  return {{"source_ip", r.source_ip}, {"from_uri", r.from_uri}, {"to_uri", r.to_uri}, {"auth", "1"}};
}

json reply_of(const json& body) {
  auto reply = routing_reply(examples(), body.dump(), env_at(kTueDay));
  REQUIRE(reply.status == 200);
  return json::parse(reply.body);
}

// The host a route's target is reached at, as its Request-URI must name it.
std::string target_host(const Snapshot& s, const Route& r) {
  const SnapshotData& d = s.data();
  return r.target == Route::Target::ipbx ? d.ipbxs[r.index].src->host : d.trunks[r.index].src->sip_proxy;
}

// A JSON string escape of byte `c` ("\u000d"), so a body carries it as Kamailio's jansson would.
std::string json_escape_of(char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buf;
}

// dbtext's reading of one row (dbt_file.c): fields split at unescaped ':', escapes undone.
std::vector<std::string> dbtext_fields(const std::string& row) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == ':') {
      out.emplace_back();
    } else if (row[i] == '\\' && i + 1 < row.size()) {
      char e = row[++i];
      out.back().push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == '0' ? '\0' : e);
    } else {
      out.back().push_back(row[i]);
    }
  }
  return out;
}

const std::string kTrunkWithRegistration = R"(
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: reg, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.example
  allowedSources: [203.0.113.99]
  registration: {username: user, passwordFrom: {env: C4_SECRET_REG_PW}, realm: "realm:with:colons", registrarProxy: registrar,
                 fromDomain: domain.com, expireSeconds: 300}
)";

}  // namespace

TEST_CASE("every route carries uri: the callee rewritten for the target at the target's host") {
  // Scenario 1: Orange Paris delivers 33140000123 to acme-paris-hq, which expects 0140000123.
  auto inbound = reply_of(body_of(call("203.0.113.10", "33611111111", "33140000123")));
  REQUIRE(inbound["rtjson"]["routes"].size() == 1);
  CHECK(inbound["rtjson"]["routes"][0]["uri"] == "sip:0140000123@192.0.2.10");
  // Failover: two trunks, each with its own host in its Request-URI.
  auto env = env_at(kTueDay);
  RouteDecision out = route(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env);
  REQUIRE(out.routes.size() >= 2);
  int routes = 0;
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"203.0.113.10", "33140000123"}, {"192.0.2.10", "00390612345678"}, {"192.0.2.10", "0472100042"},
      {"203.0.113.65", "0412700042"},  {"198.51.100.40", "0212345678"}, {"192.0.2.10", "0561234567"}};
  for (const auto& entry : calls) {  // no structured binding: a lambda takes it (clang 14)
    const auto& ip = entry.first;
    const auto& number = entry.second;
    RouteDecision d = route(examples(), call(ip, "0612345678", number), env);
    json rt = rtjson(examples(), d);
    for (size_t i = 0; i < d.routes.size(); ++i, ++routes) {
      CAPTURE(number);
      const Route& r = d.routes[i];
      auto uri = parse_sip_uri(r.uri);
      REQUIRE(uri);
      CHECK(uri->host == ascii_lower(target_host(examples(), r)));
      CHECK(uri->host != "c4.example");  // never the router's own address
      CHECK(r.uri == r.to_uri);
      CHECK(rt["routes"][i]["uri"] == r.uri);
    }
  }
  CHECK(routes >= 7);
}

TEST_CASE("a display name that arrives quoted is quoted once in From and To and P-Asserted-Identity") {
  json body = body_of(call("203.0.113.10", "0612345678", "0140000123"));
  body["from_name"] = "\"Caller\"";
  body["to_name"] = "\"Desk \\\"2\\\"\"";
  auto route0 = reply_of(body)["rtjson"]["routes"][0];
  CHECK(route0["headers"]["from"]["display"] == "\"Caller\"");
  CHECK(route0["headers"]["to"]["display"] == "\"Desk \\\"2\\\"\"");
  CHECK(route0["headers"]["extra"] == "P-Asserted-Identity: \"Caller\" <sip:0612345678@caller.example>\r\n");
  body["from_name"] = "Caller";  // the same name bare: the same headers
  CHECK(reply_of(body)["rtjson"]["routes"][0]["headers"]["from"]["display"] == "\"Caller\"");
}

TEST_CASE("the literal <null> is no name in From or P-Asserted-Identity") {
  json body = body_of(call("203.0.113.10", "0612345678", "0140000123"));
  body["from_name"] = "<null>";
  body["to_name"] = "<null>";
  auto route0 = reply_of(body)["rtjson"]["routes"][0];
  CHECK(route0["headers"]["from"]["display"] == "");
  CHECK(route0["headers"]["to"]["display"] == "");
  CHECK(route0["headers"]["extra"] == "P-Asserted-Identity: <sip:0612345678@caller.example>\r\n");
}

TEST_CASE("a display name with control characters is dropped and explain says why") {
  CallRequest r = call("203.0.113.10", "0612345678", "0140000123");
  r.from_name = "Eve\r\nP-Asserted-Identity: <sip:112@evil.example>";
  r.to_name = std::string("Desk\0", 5);
  json explained = explain_call(examples(), r, env_at(kTueDay));
  REQUIRE(explained["routes"].size() == 1);  // a bad name costs the call nothing else
  auto route0 = explained["rtjson"]["routes"][0];
  CHECK(route0["headers"]["from"]["display"] == "");
  CHECK(route0["headers"]["to"]["display"] == "");
  CHECK(route0["headers"]["extra"] == "P-Asserted-Identity: <sip:0612345678@caller.example>\r\n");
  std::map<std::string, std::string> dropped;
  for (const auto& s : explained["skipped"])
    if (s["kind"] == "display_name") dropped[s["name"].get<std::string>()] = s["reason"].get<std::string>();
  CHECK(dropped["from_name"].find("control character 0x0D at byte 3") != std::string::npos);
  CHECK(dropped["to_name"].find("control character 0x00 at byte 4") != std::string::npos);
}

TEST_CASE("a from_uri that is not a SIP URI is refused with a reason and never copied into From") {
  for (const char* from : {"sip:alice smith@x.example", "Bob <sip:0612\"345678@x.example>", "sip:0612>;x=<sip:1@y",
                                  "not a uri", "sip:0612345678@bad host"}) {
    CAPTURE(from);
    CallRequest r = call("203.0.113.10", "0612345678", "0140000123");
    r.from_uri = from;
    RouteDecision d = route(examples(), r, env_at(kTueDay));
    CHECK(d.routes.empty());
    CHECK(d.no_route_reason.rfind("from_uri ", 0) == 0);
    json explained = explain_call(examples(), r, env_at(kTueDay));
    CHECK(explained["no_route_reason"].get<std::string>().find("is not a SIP URI") != std::string::npos);
  }
  // A tel: From stays a tel: URI, with the rewritten number.
  CallRequest tel = call("203.0.113.10", "0612345678", "0140000123");
  tel.from_uri = "tel:+33612345678";
  RouteDecision d = route(examples(), tel, env_at(kTueDay));
  REQUIRE(d.routes.size() == 1);
  CHECK(d.routes[0].from_uri == "tel:0612345678");
}

TEST_CASE("a control character in a URI or user or domain or tag or Call-ID refuses the request naming the field") {
  const std::vector<std::string> fields = {"from_uri", "to_uri", "username", "call_id", "from_tag", "to_tag",
                                           "domain", "source_ip"};
  for (const std::string& field : fields)
    for (char c : {'\r', '\n', '\0', '\x01', '\x1f', '\x7f'}) {
      CAPTURE(field);
      CAPTURE(static_cast<int>(c));
      json body = body_of(call("203.0.113.10", "0612345678", "0140000123"));
      std::string value = field == "from_uri" || field == "to_uri" ? body[field].get<std::string>() : "abcdefgh";
      std::string raw = body.dump();
      raw.insert(raw.size() - 1, ",\"" + field + "\":\"" + value.substr(0, 6) + json_escape_of(c) + value.substr(6) + "\"");
      // (a duplicate key: the DOM keeps the last one, the reader hands such bodies over)
      auto reply = routing_reply(examples(), raw, env_at(kTueDay));
      CHECK(reply.status == 400);
      auto error = json::parse(reply.body)["error"];
      CHECK(error["details"]["field"] == field);
      CHECK(error["message"].get<std::string>().find("control character") != std::string::npos);
      CHECK_FALSE(read_call_request_fast(raw, RequestKind::routing));
      CHECK(auth_reply(examples(), raw).status == 400);
      // Without the duplicate the reader itself hands the body to the DOM parser, which refuses it.
      json single = body_of(call("203.0.113.10", "0612345678", "0140000123"));
      single[field] = value.substr(0, 6) + std::string(1, c) + value.substr(6);
      CHECK_FALSE(read_call_request_fast(single.dump(), RequestKind::routing));
      CHECK(routing_reply(examples(), single.dump(), env_at(kTueDay)).status == 400);
    }
  // Names and the password are not refused (a name is dropped; a password is only compared).
  json body = body_of(call("203.0.113.10", "0612345678", "0140000123"));
  body["from_name"] = "a\r\nb";
  body["password"] = "p\r\nw";
  std::string text = body.dump();
  CHECK(parse_call_request(std::string_view(text), RequestKind::routing).is_ok());
}

TEST_CASE("uacreg escapes colons and backslashes and a control character never splits a row") {
  SnapshotOptions options;
  options.resolve_secret = [](const SecretRef&) -> Result<std::string> { return std::string("p:a\\ss"); };
  auto s = compile_yaml(c4::test::base_manifests() + kTrunkWithRegistration, options);
  std::string content = uacreg_content(*s);
  auto rows = content.substr(content.find('\n') + 1);
  REQUIRE(std::count(rows.begin(), rows.end(), '\n') == 1);
  CHECK(rows.find("realm\\:with\\:colons:user:p\\:a\\\\ss:sip\\:registrar:") != std::string::npos);
  auto fields = dbtext_fields(rows.substr(0, rows.size() - 1));
  REQUIRE(fields.size() == 14);
  CHECK(fields[6] == "realm:with:colons");
  CHECK(fields[8] == "p:a\\ss");
}

TEST_CASE("a resolved secret holding CR or LF or NUL is refused at snapshot build with a warning") {
  for (const std::string& secret : {std::string("pass\nword"), std::string("pass\rword"), std::string("pa\0ss", 5),
                                    std::string("tab\tbed")}) {
    SnapshotOptions options;
    options.resolve_secret = [secret](const SecretRef&) -> Result<std::string> { return secret; };
    auto s = compile_yaml(c4::test::base_manifests() + kTrunkWithRegistration, options);
    REQUIRE(s->warnings().size() == 1);
    CHECK(s->warnings()[0].find("acme/reg: registration password: the resolved secret holds a control character") !=
          std::string::npos);
    CHECK(s->warnings()[0].find(secret) == std::string::npos);  // the secret is not logged
    std::string content = uacreg_content(*s);
    CHECK(std::count(content.begin(), content.end(), '\n') == 1);  // the header alone: no row for reg
  }
}

TEST_CASE("manifest usernames and realms and passwords and replacements that could become a header are refused") {
  auto trunk = [](const std::string& registration) {
    return "apiVersion: c4confd/v1\nkind: CarrierTrunk\nmetadata: {name: reg, tenant: acme}\nspec:\n"
           "  carrier: orange\n  sipProxy: sbc.example\n  allowedSources: [203.0.113.99]\n"
           "  registration: {registrarProxy: reg.example, " + registration + "}\n";
  };
  struct Case {
    std::string manifest, pointer, says;
  };
  const std::vector<Case> cases = {
      {trunk(R"(username: "acme\r\nX: 1", passwordFrom: {env: C4_SECRET_P})"), "/spec/registration/username", "has the wrong form"},
      {trunk(R"(username: "acme paris", passwordFrom: {env: C4_SECRET_P})"), "/spec/registration/username", "RFC 3261"},
      {trunk(R"(username: "a:b", passwordFrom: {env: C4_SECRET_P})"), "/spec/registration/username", "has the wrong form"},
      {trunk(R"(username: u, passwordFrom: {env: C4_SECRET_P}, realm: "r\"ealm")"), "/spec/registration/realm", "double quote"},
      {trunk(R"(username: u, passwordFrom: {env: C4_SECRET_P}, realm: "r\nealm")"), "/spec/registration/realm", "control character"},
      {trunk(R"(username: u, password: "line\nbreak")"), "/spec/registration/password", "control character 0x0A at byte 4"},
      {"apiVersion: c4confd/v1\nkind: IPBX\nmetadata: {name: p2, tenant: acme}\n"
       "spec: {host: 192.0.2.20, username: \"pbx\\u0000\", password: \"x\\ry\"}\n",
       "/spec/username", "has the wrong form"},
      {"apiVersion: c4confd/v1\nkind: IPBX\nmetadata: {name: p3, tenant: acme}\n"
       "spec: {host: 192.0.2.21, username: pbx3, password: \"x\\ry\"}\n",
       "/spec/password", "control character 0x0D"},
      {"apiVersion: c4confd/v1\nkind: NormalizationProfile\nmetadata: {name: np, tenant: acme}\n"
       "spec: {countryCode: '33', rules: [{direction: outbound, match: '^(.*)$', replace: \"\\\\1\\r\\nX: y\"}]}\n",
       "/spec/rules/0/replace", "has the wrong form"},
      {"apiVersion: c4confd/v1\nkind: NormalizationProfile\nmetadata: {name: np2, tenant: acme}\n"
       "spec: {countryCode: '33', rules: [{direction: outbound, match: '^(.*)$', replace: '\\1>'}]}\n",
       "/spec/rules/0/replace", "has the wrong form"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.manifest);
    auto report = c4::test::validate_with_base(c.manifest);
    std::string text = c4::test::problem_text(report);
    CAPTURE(text);
    CHECK(report.problems.has_errors());
    CHECK(text.find("test.yaml:") != std::string::npos);  // file:line
    CHECK(text.find(c.pointer + ":") != std::string::npos);
    CHECK(text.find(c.says) != std::string::npos);
    CHECK(text.find("line\nbreak") == std::string::npos);  // a plain password is not echoed
  }
  // What RFC 3261 allows still validates.
  auto ok = c4::test::validate_with_base(trunk(R"(username: "acme+c4.%41_paris", passwordFrom: {env: C4_SECRET_P}, realm: "Orange VoIP")"));
  CHECK_MESSAGE(!ok.problems.has_errors(), c4::test::problem_text(ok));
}

}  // namespace c4::routing
