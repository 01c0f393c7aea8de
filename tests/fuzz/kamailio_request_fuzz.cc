// Fuzzes what Kamailio posts to /1.0/kamailio/routing and /1.0/kamailio/auth, over the examples/
// snapshot. Properties, besides no crash and no sanitizer report:
//   - the fast request reader answers only for bodies the DOM parser accepts, with the same
//     request, and parse_call_request(text) accepts exactly what the DOM path accepts;
//   - write_routing_reply() writes byte for byte the dump of {"auth", "rtjson"};
//   - routing_reply() and auth_reply() answer 200 or 400, with a JSON body.
#include <nlohmann/json.hpp>

#include "api/routing/explain.h"
#include "api/routing/kamailio.h"
#include "api/routing/reply_writer.h"
#include "api/routing/request_reader.h"
#include "fuzz_check.h"
#include "fuzz_snapshot.h"

namespace c4::fuzz {
namespace {

using nlohmann::json;
using routing::CallRequest;
using routing::RequestKind;

// The request as the DOM parser alone reads it (what parse_call_request did before the reader).
Result<CallRequest> dom_parse(std::string_view body, RequestKind kind) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Status::invalid("body: not valid JSON");
  return routing::parse_call_request(parsed, kind);
}

bool same(const CallRequest& a, const CallRequest& b) {
  return a.source_ip == b.source_ip && a.source_port == b.source_port && a.want_auth == b.want_auth &&
         a.domain == b.domain && a.username == b.username && a.password == b.password && a.call_id == b.call_id &&
         a.from_tag == b.from_tag && a.to_tag == b.to_tag && a.from_name == b.from_name && a.from_uri == b.from_uri &&
         a.to_name == b.to_name && a.to_uri == b.to_uri;
}

void check_parsers_agree(std::string_view body, RequestKind kind) {
  auto dom = dom_parse(body, kind);
  if (auto fast = routing::read_call_request_fast(body, kind)) {
    FUZZ_CHECK(dom.is_ok(), "the fast reader accepted a body the DOM parser refuses");
    FUZZ_CHECK(same(*fast, *dom), "the fast reader and the DOM parser read different requests");
  }
  auto full = routing::parse_call_request(body, kind);
  FUZZ_CHECK(full.is_ok() == dom.is_ok(), "parse_call_request and the DOM parser disagree on acceptance");
  if (full.is_ok()) FUZZ_CHECK(same(*full, *dom), "parse_call_request and the DOM parser read different requests");
}

routing::RouteEnv tuesday_morning() {
  routing::RouteEnv env;
  env.now = *routing::parse_instant("2026-12-01T09:00:00Z");
  env.random = [](uint64_t) { return uint64_t{0}; };
  return env;
}

void check_reply(const api::HttpReply& reply, const char* endpoint) {
  FUZZ_CHECK(reply.status == 200 || reply.status == 400, std::string(endpoint) + " answered " + std::to_string(reply.status));
  FUZZ_CHECK(json::accept(reply.body), std::string(endpoint) + " answered a body that is not JSON");
}

// The fast writer against the DOM dump, for a request that parses.
void check_writer(const routing::Snapshot& snapshot, const CallRequest& request, const routing::RouteEnv& env) {
  auto decision = routing::route(snapshot, request, env);
  std::string written;
  if (!routing::write_routing_reply(snapshot, decision, request.want_auth, written)) return;  // not UTF-8
  json expected = {{"auth", request.want_auth ? routing::auth_json(snapshot, decision.caller) : json(nullptr)},
                   {"rtjson", routing::rtjson(snapshot, decision)}};
  FUZZ_CHECK(written == expected.dump(), "write_routing_reply differs from the dump of auth_json/rtjson");
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  std::string_view body = fuzz::text_of(data, size);
  static const routing::RouteEnv env = fuzz::tuesday_morning();
  const routing::Snapshot& snapshot = fuzz::examples_snapshot();
  fuzz::check_parsers_agree(body, routing::RequestKind::routing);
  fuzz::check_parsers_agree(body, routing::RequestKind::auth);
  fuzz::check_reply(routing::routing_reply(snapshot, body, env), "routing_reply");
  fuzz::check_reply(routing::auth_reply(snapshot, body), "auth_reply");
  if (auto request = routing::parse_call_request(body, routing::RequestKind::routing)) fuzz::check_writer(snapshot, *request, env);
  return 0;
}
