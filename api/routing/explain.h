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
//
// Tenant isolation (docs/security.md): an answer for a viewer that does not see every tenant
// names nothing of another tenant. A call whose caller is another tenant's IPBX or trunk is
// refused (403) without naming it; skipped candidates of other tenants (IPBXs that share the
// caller's address, the DID of another tenant that holds the callee number) are left out,
// not even counted. Everything else in an answer belongs to the caller's tenant.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_reply.h"
#include "api/routing/engine.h"

namespace c4::routing {

// Whose objects an explanation may name: every tenant's (the admin token, `c4confd route`), or
// those of the tenants marked in `tenants` (indexes into the snapshot's tenants).
struct ExplainViewer {
  bool all = true;
  std::vector<bool> tenants;  // when !all: tenants[i] = the viewer sees tenant i

  static ExplainViewer everyone() { return {}; }
  bool sees(int64_t tenant) const {
    return all || (tenant >= 0 && static_cast<size_t>(tenant) < tenants.size() && tenants[static_cast<size_t>(tenant)]);
  }
};

// The explanation of `decision` (made with RouteEnv::explain) for `request` at `at`, with the
// skipped candidates `viewer` may not see left out. The caller itself is not checked here
// (explain_reply refuses a caller the viewer may not see).
nlohmann::json explain_json(const Snapshot& snapshot, const CallRequest& request,
                            const RouteDecision& decision, std::chrono::system_clock::time_point at,
                            const ExplainViewer& viewer = ExplainViewer::everyone());

// Routes `request` with explain on and record_call off, and explains it (for every tenant).
nlohmann::json explain_call(const Snapshot& snapshot, const CallRequest& request, RouteEnv env);

// Parses an ISO-8601 instant ("2026-11-26T10:00:00Z", "2026-11-26T11:00:00+01:00",
// fractional seconds allowed). nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text);

// POST /1.0/routing/explain: body = the routing request fields plus optional "at" (ISO-8601;
// default env.now) at which to evaluate time windows. 400 naming the field on bad input; 403
// naming nothing when the caller is an IPBX or trunk of a tenant `viewer` does not see.
api::HttpReply explain_reply(const Snapshot& snapshot, std::string_view body, const RouteEnv& env,
                             const ExplainViewer& viewer = ExplainViewer::everyone());

}  // namespace c4::routing
