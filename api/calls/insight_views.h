// Read-only views over the live routing snapshot and capacity counters, for people (the
// dashboard at /ui/, a NOC's curl), never for Kamailio:
//
//   GET /1.0/capacity          every carrier trunk and IPBX the token may see with its limits
//                              (max_calls_per_second, max_channels; null = unlimited); trunks
//                              with their live calls in the last second and open channels (the
//                              counters the routing engine compares against those limits)
//   GET /1.0/whoami            what the token sees: its tenants, and whether it covers every
//                              tenant (so may read revisions and status): a page asks this
//                              instead of trying a path and getting a 403
//   GET /1.0/sources           where every object the token may see is written: kind, tenant,
//                              name, manifest file and line. The database keeps no positions: they
//                              are those of the manifests this process read (`c4confd all` hands
//                              each applied revision over with them, SourcePositions below); a
//                              snapshot loaded from PostgreSQL alone (`c4confd serve`) has none,
//                              and file is then "" and line 0
//   GET /1.0/numbers/{number}  who owns an E.164 number ("+33 1 40 00 01 23": spaces, dots,
//                              dashes and parentheses are ignored): the DID that takes it, as
//                              the routing engine finds it (exact number, range, prefix from the
//                              longest, then regex), its tenant, IPBX, and source file:line
//
// Tenant isolation: both answer only with objects of tenants the token's scope covers; a number
// held by another tenant's DID is a 404, exactly like an unclaimed one.
//
// Thread-safety: the handlers read an immutable snapshot and the tracker's locked counters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "api/http_reply.h"
#include "api/routing/capacity.h"
#include "api/routing/snapshot.h"
#include "model/catalog.h"

namespace c4::api {

// Where each object of one revision is written, kept from the catalog the reconciler applied.
struct SourcePositions {
  struct Place {
    std::string file;
    uint32_t line = 0;
  };
  int64_t revision = -1;
  std::unordered_map<std::string, Place> by_object;  // key: source_key()
};
std::string source_key(std::string_view kind, std::string_view tenant, std::string_view name);
SourcePositions source_positions(const Catalog& catalog, int64_t revision);

// The body of GET /1.0/capacity for `scope` at `now`.
nlohmann::json capacity_json(const routing::Snapshot& snapshot, const SourcePositions* positions,
                             routing::CapacityTracker& capacity, const TenantScope& scope,
                             std::chrono::system_clock::time_point now);

// The body of GET /1.0/whoami: {"every_tenant": bool, "tenants": [names, sorted]}.
nlohmann::json whoami_json(const routing::Snapshot& snapshot, const TenantScope& scope);

// The body of GET /1.0/sources for `scope` (ApiTokens only for a scope of every tenant).
// `positions` (may be null) are used when they are of the snapshot's revision.
nlohmann::json sources_json(const routing::Snapshot& snapshot, const SourcePositions* positions, const TenantScope& scope);

// The answer of GET /1.0/numbers/{number}: 200 with the owner, 400 for text that is not a
// number (naming the path parameter), 404 when no DID the scope sees takes it.
HttpReply number_owner_reply(const routing::Snapshot& snapshot, const SourcePositions* positions, std::string_view number,
                             const TenantScope& scope);

}  // namespace c4::api
