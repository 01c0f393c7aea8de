// Explain: the routing decision plus why, for POST /1.0/routing/explain and `c4confd route
// --explain`.
//
// The JSON (docs/routing.md, "Explain"):
//   {"revision", "at", "caller": {"kind", "tenant", "name", "id", "matched_by"} | null,
//    "numbers": {"caller": {"input", "e164"}, "callee": {"input", "e164"}},
//    "normalization": [{"number", "profile", "rule", "before", "after"}],
//    "match": {"kind": "did"|"onnet_did"|"domain"|"rule"|"none", "tenant", "name", "file",
//              "line", "how"},
//    "skipped": [{"kind", "name", "reason"}],
//    "routes": [{"target": "ipbx"|"trunk", "name", "id", "dst_uri", "from", "to"}],
//    "no_route_reason", "rtjson": {…what Kamailio would get, its auth_password "<redacted>"…}}
// Explain answers people (a tenant's token, the NOC, `c4confd route --explain`), never Kamailio,
// so it never carries a secret.
// Explaining never counts a call against a trunk's capacity (it reads the tracker only).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http_reply.h"
#include "api/routing/engine.h"

namespace c4::routing {

// The explanation of `decision` (made with RouteEnv::explain) for `request` at `at`.
nlohmann::json explain_json(const Snapshot& snapshot, const CallRequest& request,
                            const RouteDecision& decision, std::chrono::system_clock::time_point at);

// Routes `request` with explain on and record_call off, and explains it.
nlohmann::json explain_call(const Snapshot& snapshot, const CallRequest& request, RouteEnv env);

// Parses an ISO-8601 instant ("2026-11-26T10:00:00Z", "2026-11-26T11:00:00+01:00",
// fractional seconds allowed). nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text);

// POST /1.0/routing/explain: body = the routing request fields plus optional "at" (ISO-8601;
// default env.now) at which to evaluate time windows. 400 naming the field on bad input.
api::HttpReply explain_reply(const Snapshot& snapshot, std::string_view body, const RouteEnv& env);

}  // namespace c4::routing
