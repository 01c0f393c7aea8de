// The answer's JSON: the auth object and rtjson, exactly as the Kamailio contract shows them.
#include "api/routing/engine.h"
#include "api/routing/snapshot_data.h"

namespace c4::routing {
namespace {

// Timers and flags every route carries (the old service's values, which deployed router
// configs expect): branch flag 8 marks the branches rtjson built; 5 s for a provisional
// answer, 30 s for the final answer of an INVITE.
constexpr int kBranchFlags = 8;
constexpr int kFrTimerMs = 5000;
constexpr int kFrInvTimerMs = 30000;

nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

nlohmann::json auth_json(const Snapshot& snapshot, const Caller& caller) {
  const SnapshotData& d = snapshot.data();
  nlohmann::json a = {{"success", false},   {"tenant_uuid", nullptr}, {"tenant_id", nullptr},
                      {"carrier_trunk_id", nullptr}, {"ipbx_id", nullptr}, {"domain", nullptr},
                      {"username", nullptr}, {"password_ha1", nullptr}};
  if (caller.kind == Caller::Kind::none) return a;
  uint32_t tenant = 0;
  if (caller.kind == Caller::Kind::ipbx) {
    const IpbxEntry& x = d.ipbxs[caller.index];
    tenant = x.tenant;
    a["ipbx_id"] = x.id;
    a["domain"] = x.domain != kNone ? nlohmann::json(d.domains[x.domain].src->domain) : nlohmann::json(nullptr);
    a["username"] = or_null(x.src->username);
    a["password_ha1"] = or_null(x.src->username.empty() ? "" : x.ha1);
  } else {
    tenant = d.trunks[caller.index].tenant;
    a["carrier_trunk_id"] = d.trunks[caller.index].id;
  }
  a["success"] = true;
  a["tenant_uuid"] = a["tenant_id"] = d.tenants[tenant].src->uuid;
  return a;
}

nlohmann::json rtjson(const Snapshot& snapshot, const RouteDecision& decision) {
  if (decision.routes.empty()) return {{"success", false}};
  const SnapshotData& d = snapshot.data();
  nlohmann::json routes = nlohmann::json::array();
  for (const auto& r : decision.routes)
    routes.push_back({{"dst_uri", r.dst_uri},
                      {"path", ""},
                      {"socket", ""},
                      {"headers",
                       {{"from", {{"display", r.from_display}, {"uri", r.from_uri}}},
                        {"to", {{"display", r.to_display}, {"uri", r.to_uri}}},
                        {"extra", r.pai}}},
                      {"branch_flags", kBranchFlags},
                      {"fr_timer", kFrTimerMs},
                      {"fr_inv_timer", kFrInvTimerMs},
                      {"uri", r.uri}});
  nlohmann::json out = {{"success", true}, {"version", "1.0"}, {"routing", "serial"}, {"routes", std::move(routes)}};
  // One set of credentials per answer (rtjson has no per-route ones): those of the first
  // target that has any, since a target that authenticates by address never challenges.
  for (const auto& r : decision.routes) {
    if (r.target == Route::Target::trunk) {
      const TrunkEntry& t = d.trunks[r.index];
      if (!t.src->registration || !t.registration_password) continue;
      out["auth_username"] = t.src->registration->username;
      out["auth_password"] = *t.registration_password;
      out["realm"] = t.src->registration->realm;
      break;
    }
    const IpbxEntry& x = d.ipbxs[r.index];
    if (x.src->username.empty() || !x.password) continue;
    out["auth_username"] = x.src->username;
    out["auth_password"] = *x.password;
    out["realm"] = x.realm;
    break;
  }
  return out;
}

}  // namespace c4::routing
