#include "api/routing/explain.h"

#include <absl/time/time.h>

#include "api/routing/kamailio.h"
#include "api/routing/sip_uri.h"
#include "api/routing/snapshot_data.h"
#include "common/json_depth.h"
#include "model/redaction.h"

namespace c4::routing {
namespace {

using nlohmann::json;

std::string iso(std::chrono::system_clock::time_point t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromChrono(t), absl::UTCTimeZone());
}

json where(const Meta& m) {
  return {{"tenant", m.tenant}, {"name", m.name}, {"file", m.file.empty() ? json(nullptr) : json(m.file)},
          {"line", m.pos.line ? json(m.pos.line) : json(nullptr)}};
}

json match_json(const SnapshotData& d, const Match& m) {
  json out;
  switch (m.kind) {
    case Match::Kind::none: return {{"kind", "none"}};
    case Match::Kind::did:
    case Match::Kind::onnet_did:
      out = where(d.dids[m.index].src->meta);
      out["kind"] = m.kind == Match::Kind::did ? "did" : "onnet_did";
      out["ipbx"] = d.ipbxs[d.dids[m.index].ipbx].src->meta.name;
      break;
    case Match::Kind::domain:
      out = where(d.domains[m.index].src->meta);
      out["kind"] = "domain";
      out["ipbx"] = d.ipbxs[d.domains[m.index].ipbx].src->meta.name;
      break;
    case Match::Kind::rule:
      out = where(d.rules[m.index].src->meta);
      out["kind"] = "rule";
      out["priority"] = d.rules[m.index].src->priority;
      out["routing_group"] = d.groups[d.rules[m.index].group].src->meta.name;
      break;
  }
  out["how"] = m.how;
  return out;
}

json caller_json(const SnapshotData& d, const Caller& c) {
  if (c.kind == Caller::Kind::none) return nullptr;
  const Meta& m = c.kind == Caller::Kind::ipbx ? d.ipbxs[c.index].src->meta : d.trunks[c.index].src->meta;
  int64_t id = c.kind == Caller::Kind::ipbx ? d.ipbxs[c.index].id : d.trunks[c.index].id;
  return {{"kind", c.kind == Caller::Kind::ipbx ? "ipbx" : "trunk"},
          {"tenant", m.tenant},
          {"name", m.name},
          {"id", id},
          {"matched_by", c.matched_by}};
}

// The tenant index of an identified caller.
int64_t caller_tenant(const SnapshotData& d, const Caller& c) {
  return c.kind == Caller::Kind::ipbx ? d.ipbxs[c.index].tenant : d.trunks[c.index].tenant;
}

}  // namespace

json explain_json(const Snapshot& snapshot, const CallRequest& request, const RouteDecision& decision,
                  std::chrono::system_clock::time_point at, const ExplainViewer& viewer) {
  const SnapshotData& d = snapshot.data();
  auto user_of = [](const std::string& uri) {
    auto u = parse_sip_uri(uri);
    return u ? u->user : std::string();
  };
  json steps = json::array();
  for (const auto& s : decision.steps)
    steps.push_back({{"number", s.number}, {"profile", s.profile}, {"rule", s.rule}, {"before", s.before}, {"after", s.after}});
  json skipped = json::array();
  for (const auto& s : decision.skipped)
    if (viewer.sees(s.tenant)) skipped.push_back({{"kind", s.kind}, {"name", s.name}, {"reason", s.reason}});
  json routes = json::array();
  for (const auto& r : decision.routes) {
    bool ipbx = r.target == Route::Target::ipbx;
    routes.push_back({{"target", ipbx ? "ipbx" : "trunk"},
                      {"name", ipbx ? d.ipbxs[r.index].src->meta.name : d.trunks[r.index].src->meta.name},
                      {"id", ipbx ? d.ipbxs[r.index].id : d.trunks[r.index].id},
                      {"dst_uri", r.dst_uri},
                      {"from", r.from_uri},
                      {"to", r.to_uri}});
  }
  json out = {{"revision", snapshot.revision()},
              {"at", iso(at)},
              {"caller", caller_json(d, decision.caller)},
              {"numbers",
               {{"caller", {{"input", user_of(request.from_uri)}, {"e164", decision.caller_number}}},
                {"callee", {{"input", user_of(request.to_uri)}, {"e164", decision.callee_number}}}}},
              {"normalization", std::move(steps)},
              {"match", match_json(d, decision.match)},
              {"skipped", std::move(skipped)},
              {"routes", std::move(routes)},
              {"no_route_reason", decision.routes.empty() ? json(decision.no_route_reason) : json(nullptr)},
              {"rtjson", rtjson(snapshot, decision)}};
  if (out["rtjson"].contains("auth_password")) out["rtjson"]["auth_password"] = std::string(kRedacted);
  return out;
}

json explain_call(const Snapshot& snapshot, const CallRequest& request, RouteEnv env) {
  env.explain = true;
  env.record_call = false;
  RouteDecision decision = route(snapshot, request, env);
  return explain_json(snapshot, request, decision, env.now);
}

std::optional<std::chrono::system_clock::time_point> parse_instant(std::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return std::nullopt;
  return absl::ToChronoTime(t);
}

api::HttpReply explain_reply(const Snapshot& snapshot, std::string_view body, const RouteEnv& env,
                             const ExplainViewer& viewer) {
  if (std::string deep = json_depth_error(body); !deep.empty()) return bad_request_reply(Status::invalid(deep));
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return bad_request_reply(parse_call_request(body, RequestKind::routing).status());
  // (Parsed twice only for bad JSON, to get the parser's message.)
  auto request = parse_call_request(parsed, RequestKind::routing);
  if (!request) return bad_request_reply(request.status());
  RouteEnv e = env;
  if (auto it = parsed.find("at"); it != parsed.end() && !it->is_null()) {
    auto at = it->is_string() ? parse_instant(it->get<std::string>()) : std::nullopt;
    if (!at)
      return bad_request_reply(Status::invalid("at: expected an ISO-8601 time such as \"2026-11-26T10:00:00Z\", got " +
                                               it->dump()));
    e.now = *at;
  }
  e.explain = true;
  e.record_call = false;
  RouteDecision decision = route(snapshot, *request, e);
  // An unidentified caller is answered: the answer then names only what the viewer may see.
  if (decision.caller.kind != Caller::Kind::none && !viewer.sees(caller_tenant(snapshot.data(), decision.caller)))
    return api::error_reply(403, "forbidden", "the caller is an IPBX or carrier trunk of a tenant this token does not cover");
  return api::json_reply(200, explain_json(snapshot, *request, decision, e.now, viewer));
}

}  // namespace c4::routing
