// The routing engine: one call in, the ordered routes out (and, on request, why).
//
// Per call (DESIGN.md "Routing", docs/routing.md for every tie-break):
//   1. identify the caller: an IPBX (allowed sources, username, domain) or a carrier trunk
//      (source address); `anySource: true` is the only wildcard (CallerMatching::legacy keeps
//      the old service's "unset matches everyone" for compatibility tests);
//   2. normalize caller and callee with the caller's profile's inbound rules;
//   3. from a trunk: the DID (exact > range > longest prefix > regex) of the trunk's tenant →
//      its IPBX; from an IPBX: a number on one of the tenant's own DIDs → that IPBX (one route);
//      then a To-domain that is one of the tenant's Domains → that domain's IPBX; otherwise
//      (IPBX callers only) the routing plan: the most specific open rule, targets by
//      priority, weighted-random among equals, trunks at capacity skipped;
//   4. rewrite numbers for each target with the target's outbound rules.
//
// route() is const over the snapshot and safe to call from many threads at once. Its answer
// depends only on (snapshot, request, env.now, env.random, env.capacity); nothing of one call
// is kept for another (except the capacity counts, when env.capacity is given).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/routing/capacity.h"
#include "api/routing/snapshot.h"

namespace c4::routing {

// One routing (or auth) question, as Kamailio asks it (api/routing/kamailio.h parses it).
struct CallRequest {
  std::string source_ip;
  int source_port = 0;
  bool want_auth = false;   // "auth": the answer carries the auth object
  std::string domain;       // From domain ($fd)
  std::string username;     // auth user ($aU), "" when the caller did not authenticate
  std::optional<std::string> password;  // /auth only: must verify against the IPBX secret
  std::string call_id, from_tag, to_tag;
  std::string from_name, from_uri;
  std::string to_name, to_uri;
};

enum class CallerMatching {
  strict,  // IPBX/trunk with no allowed source matches nobody by address; anySource is the wildcard
  legacy,  // the old service: no source = any source, IPBX with no username/password = any user
};

// Why a call got no route: one code per way route() can fail (the metrics count by it; the
// text of RouteDecision::no_route_reason says the same for a person).
enum class NoRoute : uint8_t {
  none,                 // the call has routes
  caller_unknown,       // no IPBX or carrier trunk accepts the source (and username)
  invalid_to_uri,       // to_uri is not a SIP URI
  invalid_from_uri,     // from_uri is not a SIP URI
  callee_not_e164,      // the normalized callee is not an E.164 number (and no domain matched)
  no_did,               // a trunk's call: no DID of its tenant holds the number
  no_routing_group,     // an IPBX's call off-net: the IPBX has no routing group
  no_rule,              // no rule of the routing group applies (prefix, bounds, caller, time)
  targets_at_capacity,  // the chosen rule's every target is at capacity
  ipbx_at_capacity,     // the IPBX a DID or a domain sends the call to is at capacity
};
inline constexpr size_t kNoRouteCount = 10;
// "caller_unknown", …: the code as a metric label; "" for none.
const char* no_route_code(NoRoute reason);

// Told of the candidates a call skips, as it skips them (the routing metrics). Called on the
// routing thread in the middle of route(): must be thread-safe, must not block or allocate.
class RouteObserver {
 public:
  // Trunk `trunk` (index into SnapshotData::trunks) was left out because it is at capacity.
  virtual void capacity_skipped(uint32_t trunk) const = 0;
  // IPBX `ipbx` (index into SnapshotData::ipbxs) was left out because it is at capacity.
  virtual void ipbx_capacity_skipped(uint32_t ipbx) const = 0;

 protected:
  ~RouteObserver() = default;
};

struct RouteEnv {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // Uniform integer in [0, n), n > 0: the weighted-random order of equal-priority targets.
  // Must be safe to call from the calling thread; default: a thread-local Mersenne Twister.
  std::function<uint64_t(uint64_t n)> random;
  // Capacity accounting; null = capacities are not enforced.
  CapacityTracker* capacity = nullptr;
  // Count the routed call on its first route's trunk or IPBX (false for explain, which must not
  // consume capacity).
  bool record_call = true;
  CallerMatching matching = CallerMatching::strict;
  // Collect the reasons (normalization steps, skipped candidates) that explain() reports.
  bool explain = false;
  // Told of capacity skips; null = nobody listens. Its indices are those of the snapshot given
  // to route() with this env.
  const RouteObserver* observer = nullptr;
};

// Who is calling.
struct Caller {
  enum class Kind { none, ipbx, trunk };
  Kind kind = Kind::none;
  uint32_t index = 0;       // into SnapshotData::ipbxs or ::trunks
  std::string matched_by;   // "source 192.0.2.32/29", "anySource", "username acme-lyon", …
  bool password_checked = false;  // /auth with a password that verified
};

// A rewrite step of a normalization (explain).
struct NormalizationStep {
  std::string number;   // "callee" or "caller"
  std::string profile;  // profile name
  std::string rule;     // rule name
  std::string before, after;
};

// A candidate that was considered and not used (explain).
struct Skipped {
  std::string kind;    // "did", "rule", "target", "domain", "ipbx", "trunk", "display_name"
  std::string name;
  std::string reason;  // "time window closed", "at capacity: …", "caller prefix", …
  // The tenant (index into SnapshotData::tenants) whose object the entry names or describes,
  // so that explain can hide other tenants' entries from a tenant's token; -1 (unknown) is
  // shown to no tenant's token.
  int64_t tenant = -1;
};

// One route of the answer.
struct Route {
  enum class Target { ipbx, trunk };
  Target target = Target::ipbx;
  uint32_t index = 0;  // into SnapshotData::ipbxs or ::trunks
  std::string dst_uri;
  std::string uri;  // the Request-URI of this hop: the rewritten callee at the target's host
  // Displays are RFC 3261 quoted-strings, quotes included, or "" (api/routing/sip_text.h).
  std::string from_display, from_uri;
  std::string to_display, to_uri;
  std::string pai;  // the P-Asserted-Identity header line, "\r\n"-terminated
};

// What matched: a DID, a routing rule, a domain, or nothing.
struct Match {
  enum class Kind { none, did, onnet_did, domain, rule };
  Kind kind = Kind::none;
  uint32_t index = 0;     // into SnapshotData::dids / ::rules / ::domains
  std::string how;        // "exact", "range +33140000000..+33140000999", "prefix +3318850", "regex", …
};

struct RouteDecision {
  Caller caller;
  std::string caller_number, callee_number;  // after inbound normalization
  Match match;
  std::vector<Route> routes;                  // empty = no route
  std::string no_route_reason;                // when routes is empty
  NoRoute no_route = NoRoute::none;           // the same as a code
  // Filled only with RouteEnv::explain:
  std::vector<NormalizationStep> steps;
  std::vector<Skipped> skipped;
};

// The IPBX or trunk a route goes to, and its database id.
const Meta& target_meta(const Snapshot& snapshot, const Route& route);
int64_t target_id(const Snapshot& snapshot, const Route& route);
// The DID, Domain or RoutingRule that matched; nullptr for Match::Kind::none.
const Meta* match_meta(const Snapshot& snapshot, const Match& match);
// The IPBX or trunk that called; nullptr for Caller::Kind::none.
const Meta* caller_meta(const Snapshot& snapshot, const Caller& caller);

// Identifies the caller only (the /auth question, and step 1 of route()).
Caller identify_caller(const Snapshot& snapshot, const CallRequest& request, CallerMatching matching,
                       std::vector<Skipped>* skipped = nullptr);

// Decides the routes of one call. Never throws; a request that cannot be routed gives an
// empty `routes` and a `no_route_reason`.
RouteDecision route(const Snapshot& snapshot, const CallRequest& request, const RouteEnv& env);

// The "auth" object of the contract (seven keys + tenant_id), for an identified caller (or
// {"success": false, …all null}).
nlohmann::json auth_json(const Snapshot& snapshot, const Caller& caller);

// The "rtjson" object of the contract for a decision: {"success": false} when there is no
// route, else version/routing/routes and the next-hop credentials.
nlohmann::json rtjson(const Snapshot& snapshot, const RouteDecision& decision);

}  // namespace c4::routing
