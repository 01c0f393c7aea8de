// Parsing of what Kamailio posts to /1.0/kamailio/cdr, of call times, and of the CDR query
// parameters: every accepted form, and each rejection naming its field.
#include <doctest/doctest.h>

#include "api/cdr/cdr_body.h"
#include "api/cdr/cdr_cursor.h"
#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_time.h"

using namespace c4;
using namespace c4::cdr;

namespace {

constexpr const char* kUuid = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";
constexpr int64_t kT = 1700000000;  // 2023-11-14T22:13:20Z

CdrRecord parsed(const std::string& body) {
  auto r = parse_cdr_body(body);
  if (auto* e = std::get_if<FieldError>(&r)) FAIL("rejected: " << e->message);
  return std::get<CdrRecord>(r);
}

FieldError rejected(const std::string& body) {
  auto r = parse_cdr_body(body);
  REQUIRE_MESSAGE(std::holds_alternative<FieldError>(r), "accepted: " << body);
  return std::get<FieldError>(r);
}

// A valid body with `extra` fields appended (which override earlier keys for nlohmann: the
// last duplicate wins).
std::string body(const std::string& extra = "") {
  std::string b = std::string(R"({"event":"cdr","tenant_uuid":")") + kUuid +
                  R"(","call_id":"abc@host","call_start":1700000000,"duration":42)";
  if (!extra.empty()) b += "," + extra;
  return b + "}";
}

std::optional<int64_t> time_of(const std::string& text) {
  std::string why;
  return parse_time_text(text, why);
}

api::ApiRequest query(std::initializer_list<std::pair<const std::string, std::string>> params) {
  api::ApiRequest r;
  r.method = "GET";
  r.path = "/1.0/cdrs";
  r.query = params;
  return r;
}

}  // namespace

TEST_CASE("a minimal CDR body parses with its optional fields absent") {
  CdrRecord r = parsed(body());
  CHECK(r.tenant_uuid == kUuid);
  CHECK(r.call_id == "abc@host");
  CHECK(r.call_start_us == kT * 1000000);
  CHECK(r.duration == 42);
  CHECK_FALSE(r.source_ip);
  CHECK_FALSE(r.source_port);
  CHECK_FALSE(r.carrier_trunk_id);
  CHECK_FALSE(r.ipbx_id);
  CHECK_FALSE(r.from_uri);
}

TEST_CASE("a full CDR body keeps every field and ignores unknown ones") {
  CdrRecord r = parsed(body(R"("carrier_trunk_id":7,"ipbx_id":"3","source_ip":"192.0.2.10","source_port":"5060",)"
                            R"("from_uri":"sip:+33140000000@example.com","to_uri":"sip:100@pbx","x_extra":[1,2])"));
  CHECK(r.carrier_trunk_id == 7);
  CHECK(r.ipbx_id == 3);
  CHECK(r.source_ip == "192.0.2.10");
  CHECK(r.source_port == 5060);
  CHECK(r.from_uri == "sip:+33140000000@example.com");
  CHECK(r.to_uri == "sip:100@pbx");
}

TEST_CASE("tenant_id means tenant_uuid and is lower-cased") {
  std::string upper = "0F2B8D9E-3A41-4C55-9D2E-7B1A6C3F4E10";
  CdrRecord r = parsed(R"({"tenant_id":")" + upper + R"(","call_id":"c","call_start":1700000000,"duration":0})");
  CHECK(r.tenant_uuid == kUuid);
  CHECK(parsed(body(R"("tenant_id":")" + upper + "\"")).tenant_uuid == kUuid);
  CHECK(rejected(body(R"("tenant_id":"11111111-2222-3333-4444-555555555555")")).field == "tenant_id");
}

TEST_CASE("null ids and addresses are accepted as absent") {
  CdrRecord r = parsed(body(R"("ipbx_id":null,"carrier_trunk_id":null,"source_ip":null,"source_port":null)"));
  CHECK_FALSE(r.ipbx_id);
  CHECK_FALSE(r.carrier_trunk_id);
  CHECK_FALSE(r.source_ip);
}

TEST_CASE("call_start is accepted as epoch integer float string or ISO-8601") {
  CHECK(parsed(body(R"("call_start":1700000000.25)")).call_start_us == kT * 1000000 + 250000);
  CHECK(parsed(body(R"("call_start":"1700000000")")).call_start_us == kT * 1000000);
  CHECK(parsed(body(R"("call_start":"1700000000.5")")).call_start_us == kT * 1000000 + 500000);
  CHECK(parsed(body(R"("call_start":"2023-11-14T22:13:20Z")")).call_start_us == kT * 1000000);
  CHECK(parsed(body(R"("call_start":"2023-11-14T23:13:20+01:00")")).call_start_us == kT * 1000000);
  CHECK(parsed(body(R"("call_start":"2023-11-14 17:13:20.125-0500")")).call_start_us == kT * 1000000 + 125000);
  CHECK(parsed(body(R"("call_start":"2023-11-14T22:13:20")")).call_start_us == kT * 1000000);
}

TEST_CASE("duration is accepted as integer float or numeric string and rounded to the second") {
  CHECK(parsed(body(R"("duration":0)")).duration == 0);
  CHECK(parsed(body(R"("duration":12.6)")).duration == 13);
  CHECK(parsed(body(R"("duration":"30")")).duration == 30);
}

TEST_CASE("each malformed CDR field is rejected by name") {
  struct Case {
    std::string extra, field;
  };
  for (const Case& c : std::vector<Case>{
           {R"("tenant_uuid":"acme")", "tenant_uuid"},
           {R"("tenant_uuid":42)", "tenant_uuid"},
           {R"("carrier_trunk_id":"seven")", "carrier_trunk_id"},
           {R"("carrier_trunk_id":1.5)", "carrier_trunk_id"},
           {R"("ipbx_id":true)", "ipbx_id"},
           {R"("ipbx_id":-1)", "ipbx_id"},
           {R"("source_ip":"999.1.1.1")", "source_ip"},
           {R"("source_ip":3232235521)", "source_ip"},
           {R"("source_port":70000)", "source_port"},
           {R"("source_port":"http")", "source_port"},
           {R"("call_id":"")", "call_id"},
           {R"("call_id":12)", "call_id"},
           {R"("call_id":null)", "call_id"},
           {R"("from_uri":["sip:a@b"])", "from_uri"},
           {R"("to_uri":"sip:a\u0000@b")", "to_uri"},
           {R"("call_start":"yesterday")", "call_start"},
           {R"("call_start":"2023-02-30T00:00:00Z")", "call_start"},
           {R"("call_start":-5)", "call_start"},
           {R"("call_start":{})", "call_start"},
           {R"("duration":-3)", "duration"},
           {R"("duration":"3s")", "duration"},
       }) {
    CAPTURE(c.extra);
    FieldError e = rejected(body(c.extra));
    CHECK(e.field == c.field);
    CHECK(e.message.find(c.field) == 0);
  }
}

TEST_CASE("a CDR of a call that never started has no call_start and no duration") {
  std::string head = std::string(R"({"tenant_uuid":")") + kUuid + R"(","call_id":"never@host")";
  for (const std::string& tail : {std::string("}"), std::string(R"(,"call_start":null,"duration":null})")}) {
    CAPTURE(tail);
    CdrRecord r = parsed(head + tail);
    CHECK_FALSE(r.call_start_us);
    CHECK_FALSE(r.duration);
    nlohmann::json out = cdr_json(StoredCdr{7, r});
    CHECK(out["call_start"].is_null());
    CHECK(out["duration"].is_null());
    CHECK(out["id"] == 7);
  }
  CHECK(*parsed(head + R"(,"duration":0})").duration == 0);
  CHECK_FALSE(parsed(head + R"(,"duration":0})").call_start_us);
}

TEST_CASE("a spooled CDR is answered with a null id") {
  CdrRecord r = parsed(body(""));
  CHECK(cdr_json(StoredCdr{0, r, true})["id"].is_null());
  CHECK(cdr_json(StoredCdr{0, r, true})["call_id"] == "abc@host");
}

TEST_CASE("hostile strings in a CDR body are refused alone naming the field or kept byte for byte") {
  CHECK(rejected(body(R"("call_id":"a\u0000b")")).field == "call_id");
  CHECK(rejected(body(R"("from_uri":"sip:\u0000@x")")).field == "from_uri");
  // Invalid UTF-8 is not JSON: the body is refused as such, never half-stored.
  CHECK(rejected(body("\"to_uri\":\"sip:\xff\xfe@x\"")).field == "body");
  CHECK(rejected(body(R"("call_id":"\ud800")")).field == "body");  // a lone surrogate
  std::string odd = R"(c\r\nl\"q;tag=\u00e9\u4e2d\ud83d\ude00)" + std::string(100000, 'x');
  CdrRecord r = parsed(body("\"call_id\":\"" + odd + "\""));
  CHECK(r.call_id == "c\r\nl\"q;tag=\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80" + std::string(100000, 'x'));
}

TEST_CASE("a CDR body without tenant or that is not a JSON object is rejected") {
  CHECK(rejected(R"({"call_id":"c","call_start":1,"duration":0})").field == "tenant_uuid");
  CHECK(rejected(R"([1,2])").field == "body");
  CHECK(rejected(R"({"tenant_uuid": )").field == "body");
  CHECK(rejected(std::string(R"({"tenant_uuid":")") + kUuid + R"(","call_start":1,"duration":0})").field ==
        "call_id");
}

TEST_CASE("an IPv6 source address is stored in canonical form") {
  CHECK(parsed(body(R"("source_ip":"2001:DB8:0:0::1")")).source_ip == "2001:db8::1");
}

TEST_CASE("times format as ISO-8601 with offset and parse back") {
  CHECK(format_iso8601(kT * 1000000) == "2023-11-14T22:13:20+00:00");
  CHECK(format_iso8601(kT * 1000000 + 250000) == "2023-11-14T22:13:20.250000+00:00");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00+00:00");
  for (int64_t t : {int64_t{0}, kT * 1000000 + 1, int64_t{4102444800000000}})
    CHECK(time_of(format_iso8601(t)) == t);
  CHECK(time_of("2026-11-26") == int64_t{1795651200} * 1000000);
  CHECK_FALSE(time_of("2026-13-01"));
  CHECK_FALSE(time_of("2026-11-26T25:00:00Z"));
  CHECK_FALSE(time_of("2026-11-26T10:00:00+01:00 garbage"));
  CHECK_FALSE(time_of(""));
}

TEST_CASE("cursors round-trip and foreign tokens are refused") {
  CdrCursor c{kT * 1000000 + 7, 123456789};
  CHECK(decode_cursor(encode_cursor(c)) == c);
  CHECK_FALSE(decode_cursor("abc"));
  CHECK_FALSE(decode_cursor(std::string(32, 'g')));
  CHECK_FALSE(decode_cursor("ffffffffffffffff0000000000000001"));
  CdrCursor never{std::nullopt, 42};  // a row without call_start
  CHECK(decode_cursor(encode_cursor(never)) == never);
  CHECK(encode_cursor(never) == "8000000000000000000000000000002a");
}

TEST_CASE("a cursor whose time is past year 9999 is refused") {
  CHECK(decode_cursor(encode_cursor({kMaxTimeMicros, 1})) == CdrCursor{kMaxTimeMicros, 1});
  CHECK_FALSE(decode_cursor(encode_cursor({kMaxTimeMicros + 1, 1})));
  CHECK_FALSE(decode_cursor("3683b0e4d5e30ac36043840082bc1d1e"));  // found by the API fuzzer: a 500
}

TEST_CASE("search parameters are parsed and the limit defaults to 100") {
  auto r = parse_cdr_filter(query({{"from", "2026-11-01"}, {"to", "1795651200"}, {"call_id", "x"},
                                   {"carrier_trunk_id", "4"}, {"ipbx_id", "9"}, {"caller_prefix", "+331"},
                                   {"callee_prefix", "100"}}),
                            CdrEndpoint::search);
  REQUIRE(std::holds_alternative<CdrFilter>(r));
  const CdrFilter& f = std::get<CdrFilter>(r);
  CHECK(f.from_us == int64_t{1793491200} * 1000000);
  CHECK(f.to_us == int64_t{1795651200} * 1000000);
  CHECK(f.carrier_trunk_id == 4);
  CHECK(f.ipbx_id == 9);
  CHECK(f.caller_prefix == "+331");
  CHECK(f.limit == 100u);
}

TEST_CASE("bad query parameters are rejected by name") {
  struct Case {
    std::string name, value, field;
    CdrEndpoint endpoint = CdrEndpoint::search;
  };
  for (const Case& c : std::vector<Case>{
           {"from", "last week", "from"},
           {"to", "2026-02-30", "to"},
           {"limit", "0", "limit"},
           {"limit", "1001", "limit"},
           {"limit", "ten", "limit"},
           {"after", "not-a-cursor", "after"},
           {"carrier_trunk_id", "-1", "carrier_trunk_id"},
           {"ipbx_id", "x", "ipbx_id"},
           {"caller_prefix", "", "caller_prefix"},
           {"form", "2026-01-01", "form"},
           {"group_by", "week", "group_by", CdrEndpoint::stats},
           {"group_by", "day", "group_by", CdrEndpoint::search},
           {"limit", "5", "limit", CdrEndpoint::stats},
       }) {
    CAPTURE(c.name);
    CAPTURE(c.value);
    auto r = parse_cdr_filter(query({{c.name, c.value}}), c.endpoint);
    REQUIRE(std::holds_alternative<FieldError>(r));
    CHECK(std::get<FieldError>(r).field == c.field);
    CHECK(std::get<FieldError>(r).message.find(c.field) != std::string::npos);
  }
  auto reversed = parse_cdr_filter(query({{"from", "2026-02-01"}, {"to", "2026-01-01"}}), CdrEndpoint::search);
  REQUIRE(std::holds_alternative<FieldError>(reversed));
  CHECK(std::get<FieldError>(reversed).field == "to");
}

TEST_CASE("the CSV export takes a limit above the search maximum") {
  auto r = parse_cdr_filter(query({{"limit", "50000"}}), CdrEndpoint::csv);
  REQUIRE(std::holds_alternative<CdrFilter>(r));
  CHECK(std::get<CdrFilter>(r).limit == 50000u);
  auto unbounded = parse_cdr_filter(query({}), CdrEndpoint::csv);
  CHECK_FALSE(std::get<CdrFilter>(unbounded).limit);
}
