// The fast request reader (api/routing/request_reader.h) against nlohmann's DOM parse of the
// same bodies: whenever the reader answers, the DOM path accepts the body and gives the same
// request; whatever the DOM refuses, the reader hands over.
#include <doctest/doctest.h>

#include "api/routing/kamailio.h"
#include "api/routing/request_reader.h"

namespace c4::routing {
namespace {

using nlohmann::json;

// The DOM path alone (what parse_call_request did before the reader).
Result<CallRequest> dom_parse(std::string_view body, RequestKind kind) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Status::invalid("body: not valid JSON");
  return parse_call_request(parsed, kind);
}

void check_same(const CallRequest& a, const CallRequest& b) {
  CHECK(a.source_ip == b.source_ip);
  CHECK(a.source_port == b.source_port);
  CHECK(a.want_auth == b.want_auth);
  CHECK(a.domain == b.domain);
  CHECK(a.username == b.username);
  CHECK(a.password == b.password);
  CHECK(a.call_id == b.call_id);
  CHECK(a.from_tag == b.from_tag);
  CHECK(a.to_tag == b.to_tag);
  CHECK(a.from_name == b.from_name);
  CHECK(a.from_uri == b.from_uri);
  CHECK(a.to_name == b.to_name);
  CHECK(a.to_uri == b.to_uri);
}

// Checks the reader on `body`: same request as the DOM when it answers, nullopt when the DOM
// refuses. Returns whether the reader answered.
bool reader_agrees(const std::string& body, RequestKind kind = RequestKind::routing) {
  INFO("body: ", body);
  auto fast = read_call_request_fast(body, kind);
  auto dom = dom_parse(body, kind);
  if (!fast) return false;
  REQUIRE(dom.is_ok());
  check_same(*fast, *dom);
  return true;
}

const std::string kUris = R"("from_uri": "sip:0612345678@carrier.example", "to_uri": "sip:0140000123@c4.example")";

}  // namespace

TEST_CASE("the request reader reads what Kamailio sends as the DOM parser does") {
  const std::vector<std::string> bodies = {
      R"({"event": "sip-routing", "source_ip": "203.0.113.10", "source_port": 5060, "auth": "1", "domain": "c4.example",
          "username": "", "call_id": "abc@host", "from_tag": "ft", "to_tag": null, "from_name": "Alice",
          "to_name": "", )" + kUris + "}",
      "{" + kUris + "}",
      "  {\n\t" + kUris + R"(, "source_port": "5080", "auth": true}  )",
      "{" + kUris + R"(, "source_port": "", "auth": "", "password": "s3cret"})",
      "{" + kUris + R"(, "auth": 0, "source_port": 0, "x_float": -1.5e3, "x_bool": false, "x_null": null})",
      "{" + kUris + R"(, "auth": "false", "source_port": 65535, "extra": "ignored"})",
      "{" + kUris + R"(, "from_name": "\"Al\\ice\" \/ \b\f\n\r\t \u00e9\u65e5 \ud83c\udf89 \u0000"})",
      "{" + kUris + R"(, "from_name": "Zoë 日本語 🎉"})",
  };
  for (const auto& body : bodies) CHECK_MESSAGE(reader_agrees(body), body);
  CHECK(reader_agrees(R"({"source_ip": "192.0.2.10", "password": "x"})", RequestKind::auth));
  CHECK(reader_agrees("{}", RequestKind::auth));
}

TEST_CASE("the request reader hands the DOM parser every body it does not vouch for") {
  const std::vector<std::string> bodies = {
      "",
      "[1, 2]",
      "{" + kUris,
      "{" + kUris + "} trailing",
      "{" + kUris + ",}",
      R"({"from_uri": "sip:1@a"})",                                      // to_uri missing
      R"({"from_uri": "sip:1@a", "to_uri": ""})",                        // empty
      R"({"from_uri": "sip:1@a", "to_uri": null})",
      R"({"from_uri": "sip:1@a", "to_uri": 42})",                        // wrong type
      "{" + kUris + R"(, "source_port": "50x"})",
      "{" + kUris + R"(, "source_port": 70000})",
      "{" + kUris + R"(, "source_port": 5060.0})",
      "{" + kUris + R"(, "source_port": [5060]})",
      "{" + kUris + R"(, "auth": "yes"})",
      "{" + kUris + R"(, "auth": 2})",
      "{" + kUris + R"(, "source_ip": {}})",
      "{" + kUris + R"(, "x_extra": {"nested": [1, 2]}})",                 // nested: the DOM decides
      "{" + kUris + R"(, "to_uri": "sip:2@b"})",                         // duplicate: the DOM keeps the last
      "{" + kUris + R"(, "from_name": "bad \x escape"})",
      "{" + kUris + R"(, "from_name": "lone \udc00 surrogate"})",
      "{" + kUris + R"(, "from_name": "cut \ud83c surrogate"})",
      "{" + kUris + ", \"from_name\": \"raw \x01 control\"}",
      "{" + kUris + ", \"from_name\": \"bad \xC3 utf-8\"}",
      "{" + kUris + ", \"from_name\": \"overlong \xC0\xAF\"}",
      "{" + kUris + R"(, "x": 01})",
      "{" + kUris + R"(, "x": -})",
      "{" + kUris + R"(, "x": tru})",
      "{" + kUris + R"(, "x": 123456789012345678901234567890})",
      "\xEF\xBB\xBF{" + kUris + "}",                                     // a BOM
  };
  for (const auto& body : bodies) CHECK_FALSE_MESSAGE(reader_agrees(body), body);
  // And what the caller then answers is the DOM's error, naming the field.
  auto r = parse_call_request(std::string_view(R"({"from_uri": "sip:1@a", "to_uri": 42})"), RequestKind::routing);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == "to_uri: expected a string, got a number");
  const std::string big_port = "{" + kUris + R"(, "source_port": 70000})";
  auto port = parse_call_request(std::string_view(big_port), RequestKind::routing);
  REQUIRE_FALSE(port.is_ok());
  CHECK(port.status().message() == "source_port: 70000 is not a port (0-65535)");
}

TEST_CASE("the auth and port accept rules are the contract's") {
  CHECK(auth_from_text("1") == true);
  CHECK(auth_from_text("true") == true);
  CHECK(auth_from_text("0") == false);
  CHECK(auth_from_text("false") == false);
  CHECK(auth_from_text("") == false);
  CHECK_FALSE(auth_from_text("yes"));
  CHECK(auth_from_integer(1) == true);
  CHECK_FALSE(auth_from_integer(2));
  CHECK(port_from_text("5060") == 5060);
  CHECK(port_from_text("") == 0);
  CHECK_FALSE(port_from_text("5060 "));
  CHECK_FALSE(port_from_text("-1"));
  CHECK_FALSE(port_from_integer(65536));
}

}  // namespace c4::routing
