// The Kamailio-facing endpoints as plain functions from a request body to an HttpReply, so
// they are tested without a socket and mounted on the HTTP server in one place.
//
// Parsing is tolerant where Kamailio is loose and strict where it matters:
//   - "auth" may be a bool, "1"/"0", "true"/"false" or 1/0; "source_port" an int or a
//     numeric string; null means absent; unknown fields are ignored (Kamailio sends extras);
//   - from_uri and to_uri are required for routing; a field of the wrong type is a 400 with
//     the one error shape ({"error": {"code": "invalid_input", "message", "details":
//     {"field": …, "in": "body"}}}), never a 500;
//   - a control character in a URI, source_ip, domain, username, call_id or a tag is such a
//     400 too (check_request_text, request_reader.h): what a caller sends never becomes a
//     SIP header as it is. Display names are made safe instead (sip_text.h).
// Every function is thread-safe (the snapshot is immutable; the env's capacity tracker is).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http_reply.h"
#include "api/routing/engine.h"
#include "common/status.h"

namespace c4::routing {

// What kind of request a body is parsed for: routing requires from_uri and to_uri.
enum class RequestKind { routing, auth };

// Parses a routing or auth body. Status::invalid names the field and what was wrong
// ("source_port: expected an integer or a numeric string, got an array").
Result<CallRequest> parse_call_request(const nlohmann::json& body, RequestKind kind);
// The same from the raw body text (malformed JSON is Status::invalid with the parser's position).
Result<CallRequest> parse_call_request(std::string_view body, RequestKind kind);

// A 400 reply for a parse failure of `body`.
api::HttpReply bad_request_reply(const Status& status);

// POST /1.0/kamailio/routing: {"auth": {…} | null, "rtjson": {…}}, HTTP 200. `decided`, when
// given, receives the engine's decision (for the metrics); it is left as it is when the body is
// refused (400).
api::HttpReply routing_reply(const Snapshot& snapshot, std::string_view body, const RouteEnv& env,
                             RouteDecision* decided = nullptr);

// POST /1.0/kamailio/auth: the auth object (seven keys + tenant_id), HTTP 200. A given
// "password" must verify: against the IPBX's HA1 (md5 of username:digest realm:password) or
// its resolved plain secret; an IPBX with neither fails.
api::HttpReply auth_reply(const Snapshot& snapshot, std::string_view body,
                          CallerMatching matching = CallerMatching::strict);

// GET /1.0/kamailio/dbtext/uacreg: {"content": "<dbtext table>"} with one line per trunk
// that registers and whose password is known. In values ':' and '\' are escaped with '\',
// and CR, LF, HTAB and NUL written \r \n \t \0, as Kamailio's db_text reads them.
api::HttpReply uacreg_reply(const Snapshot& snapshot);
// Just the content string (what the reply carries).
std::string uacreg_content(const Snapshot& snapshot);

}  // namespace c4::routing
