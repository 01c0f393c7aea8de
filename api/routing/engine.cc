// Steps 2–4 of routing (step 1 is caller_id.cc): normalization, DID / domain / plan matching,
// target order, and the routes with their rewritten numbers and headers.
#include "api/routing/engine.h"

#include <algorithm>
#include <random>
#include <tuple>
#include <unordered_set>

#include "api/routing/did_lookup.h"
#include "api/routing/sip_text.h"
#include "api/routing/sip_uri.h"
#include "api/routing/snapshot_data.h"
#include "model/e164.h"

namespace c4::routing {
namespace {

uint64_t default_random(uint64_t n) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, n - 1)(engine);
}

struct RuleCandidate {
  uint32_t rule;
  int prefix_length;  // longest matching destination prefix; 0 = the rule has none
};

class Router {
 public:
  Router(const Snapshot& s, const CallRequest& r, const RouteEnv& e, RouteDecision& out)
      : s_(s), d_(s.data()), req_(r), env_(e), out_(out) {}

  void run() {
    out_.caller = identify_caller(s_, req_, env_.matching, env_.explain ? &out_.skipped : nullptr);
    if (out_.caller.kind == Caller::Kind::none) {
      fail(NoRoute::caller_unknown);
      out_.no_route_reason = "caller not recognised: no IPBX or carrier trunk accepts source address \"" +
                             req_.source_ip + "\"" +
                             (req_.username.empty() ? std::string() : " with username \"" + req_.username + "\"");
      return;
    }
    auto to = parse_sip_uri(req_.to_uri);
    if (!to) {
      fail(NoRoute::invalid_to_uri);
      out_.no_route_reason = "to_uri \"" + req_.to_uri + "\" is not a SIP URI";
      return;
    }
    to_ = *to;
    from_ = parse_sip_uri(req_.from_uri);
    if (!from_) {  // its text would otherwise reach From and P-Asserted-Identity as it is
      fail(NoRoute::invalid_from_uri);
      out_.no_route_reason = "from_uri \"" + req_.from_uri + "\" is not a SIP URI";
      return;
    }
    from_trunk_ = out_.caller.kind == Caller::Kind::trunk;
    tenant_ = from_trunk_ ? d_.trunks[out_.caller.index].tenant : d_.ipbxs[out_.caller.index].tenant;
    take_display_names();  // after tenant_: its skipped entries belong to the caller's tenant
    int32_t profile = from_trunk_ ? d_.trunks[out_.caller.index].profile : d_.ipbxs[out_.caller.index].profile;
    out_.callee_number = normalize(profile, to_.user, Normalizer::Direction::inbound, Normalizer::Role::callee, "callee");
    out_.caller_number = normalize(profile, from_->user, Normalizer::Direction::inbound, Normalizer::Role::caller, "caller");
    callee_ = parse_e164(out_.callee_number);

    std::optional<uint32_t> did;
    if (callee_) did = find_did();
    std::optional<uint32_t> domain = find_domain();
    if (did) {
      uint32_t ipbx = d_.dids[*did].ipbx;
      if (domain && d_.domains[*domain].ipbx != static_cast<int32_t>(ipbx) && env_.explain)
        skip("domain", d_.domains[*domain].src->meta.name,
             "the To-domain " + to_.host + " belongs to IPBX " + d_.ipbxs[d_.domains[*domain].ipbx].src->meta.name +
                 ", but DID " + d_.dids[*did].src->meta.name + " matched the number first");
      out_.match.kind = from_trunk_ ? Match::Kind::did : Match::Kind::onnet_did;
      out_.match.index = *did;
      add_ipbx_route(ipbx);
      return;
    }
    if (domain) {
      out_.match = {Match::Kind::domain, *domain, "To-domain " + to_.host};
      add_ipbx_route(static_cast<uint32_t>(d_.domains[*domain].ipbx));
      return;
    }
    if (from_trunk_) {
      fail(callee_ ? NoRoute::no_did : NoRoute::callee_not_e164);
      out_.no_route_reason = callee_ ? "no DID of tenant " + tenant_name() + " matches " + out_.callee_number
                                     : "the callee \"" + out_.callee_number + "\" is not an E.164 number";
      return;
    }
    route_by_plan();
  }

 private:
  void fail(NoRoute reason) { out_.no_route = reason; }

  std::string tenant_name() const { return d_.tenants[tenant_].src->meta.name; }

  // The display names every route carries (sip_text.h); a dropped one is explained.
  void take_display_names() {
    for (auto [raw, field, out] : {std::tuple{&req_.from_name, "from_name", &from_display_},
                                   std::tuple{&req_.to_name, "to_name", &to_display_}}) {
      DisplayName name = sip_display_name(*raw);
      *out = std::move(name.quoted);
      if (!name.dropped.empty()) skip("display_name", field, std::move(name.dropped));
    }
  }

  // A skipped candidate of the caller's tenant (every object a call can reach is one of its
  // tenant's, except another tenant's DID in did_usable).
  void skip(std::string kind, std::string name, std::string reason) {
    if (env_.explain) out_.skipped.push_back({std::move(kind), std::move(name), std::move(reason), tenant_});
  }

  std::string normalize(int32_t profile, const std::string& number, Normalizer::Direction direction,
                        Normalizer::Role role, const std::string& label) {
    if (profile == kNone) return number;
    const Normalizer& n = d_.profiles[profile];
    if (!env_.explain) return n.rewrite(number, direction, role);
    std::vector<RewriteStep> steps;
    std::string out = n.rewrite(number, direction, role, &steps);
    for (auto& st : steps) out_.steps.push_back({label, n.name(), st.rule, st.before, st.after});
    return out;
  }

  // ---- DIDs: exact > range > longest prefix > regex, of the caller's tenant ---------------

  // How a DID candidate matched, for the answer and explain: "exact number +33…", "range …".
  std::string describe(const DidCandidate& c) const {
    switch (c.how) {
      case DidCandidate::How::exact: return "exact number " + out_.callee_number;
      case DidCandidate::How::range: return "range +" + std::to_string(c.from) + "..+" + std::to_string(c.to);
      case DidCandidate::How::prefix: return "prefix +" + std::to_string(c.from);
    }
    return "";
  }

  // Whether DID `i` may take this call; records why not. `how` is built only when said.
  template <class How>
  bool did_usable(uint32_t i, How&& how) {
    const DidEntry& did = d_.dids[i];
    if (did.tenant != tenant_) {
      if (env_.explain) out_.skipped.push_back({"did", "", how() + ": the number belongs to another tenant", did.tenant});
      return false;
    }
    // A trunk-restricted DID only takes calls from that trunk; on-net calls are the tenant's own.
    if (from_trunk_ && did.trunk != kNone && static_cast<uint32_t>(did.trunk) != out_.caller.index) {
      if (env_.explain)
        skip("did", did.src->meta.name, how() + ": only calls from trunk " + d_.trunks[did.trunk].src->meta.name + " match");
      return false;
    }
    out_.match.how = how();
    return true;
  }

  std::optional<uint32_t> find_did() {
    auto did = find_did_number(d_, *callee_, [&](const DidCandidate& c) {
      return did_usable(c.did, [&] { return describe(c); });
    });
    if (did) return did;
    for (const auto& rx : d_.did_regexes) {
      if (d_.dids[rx.did].tenant != tenant_) continue;  // another tenant's patterns are not ours to try
      if (RE2::FullMatch(out_.callee_number, *rx.pattern) &&
          did_usable(rx.did, [&] { return "regex " + rx.pattern->pattern(); }))
        return rx.did;
    }
    return std::nullopt;
  }

  std::optional<uint32_t> find_domain() const {
    auto it = d_.domain_by_name.find(to_.host);
    if (it == d_.domain_by_name.end()) return std::nullopt;
    const DomainEntry& dom = d_.domains[it->second];
    if (dom.tenant != tenant_ || dom.ipbx == kNone) return std::nullopt;
    return it->second;
  }

  // ---- the routing plan -------------------------------------------------------------------

  std::vector<RuleCandidate> rule_candidates(uint32_t group) const {
    std::vector<RuleCandidate> out;
    std::unordered_set<uint32_t> seen;
    for (int k = std::min<int>(callee_->length, d_.longest_rule_prefix); k >= 1; --k) {
      auto it = d_.rule_prefixes.find({group, callee_->value / pow10_u64(callee_->length - k)});
      if (it == d_.rule_prefixes.end()) continue;
      for (uint32_t r : it->second)
        if (seen.insert(r).second) out.push_back({r, k});
    }
    for (uint32_t r : d_.groups[group].unprefixed_rules) out.push_back({r, 0});
    // Most specific first: longest prefix, then a rule with a regex, then the lowest priority;
    // the name settles the rest so the order never depends on the manifests' layout.
    std::sort(out.begin(), out.end(), [&](const RuleCandidate& a, const RuleCandidate& b) {
      const RuleEntry& ra = d_.rules[a.rule];
      const RuleEntry& rb = d_.rules[b.rule];
      if (a.prefix_length != b.prefix_length) return a.prefix_length > b.prefix_length;
      if (bool(ra.regex) != bool(rb.regex)) return bool(ra.regex);
      if (ra.src->priority != rb.src->priority) return ra.src->priority < rb.src->priority;
      return ra.src->meta.name < rb.src->meta.name;
    });
    return out;
  }

  // "" when rule `r` applies to this call, else why not.
  std::string rule_mismatch(const RuleEntry& r) const {
    const RoutingRule& rule = *r.src;
    int digits = callee_->length;
    if (rule.min_length && digits < *rule.min_length)
      return "length bounds: " + std::to_string(digits) + " digits, fewer than " + std::to_string(*rule.min_length);
    if (rule.max_length && digits > *rule.max_length)
      return "length bounds: " + std::to_string(digits) + " digits, more than " + std::to_string(*rule.max_length);
    if (r.regex && !RE2::PartialMatch(out_.callee_number, *r.regex))
      return "regex " + r.regex->pattern() + " does not match " + out_.callee_number;
    if (!rule.caller_prefixes.empty()) {
      bool any = false;
      for (const auto& p : rule.caller_prefixes)
        if (out_.caller_number.size() > p.size() && out_.caller_number[0] == '+' &&
            out_.caller_number.compare(1, p.size(), p) == 0)
          any = true;
      if (!any) return "caller prefix: caller \"" + out_.caller_number + "\" starts with none of the rule's prefixes";
    }
    if (!r.windows.empty() &&
        std::none_of(r.windows.begin(), r.windows.end(), [&](const ZonedWindow& w) { return w.is_open(env_.now); })) {
      std::string all;
      for (const auto& w : r.windows) all += (all.empty() ? "" : "; ") + w.describe();
      return "time window closed (" + all + ")";
    }
    return "";
  }

  void route_by_plan() {
    const IpbxEntry& caller = d_.ipbxs[out_.caller.index];
    if (caller.group == kNone) {
      fail(NoRoute::no_routing_group);
      out_.no_route_reason = "IPBX " + caller.src->meta.name + " has no routing group";
      return;
    }
    if (!callee_) {
      fail(NoRoute::callee_not_e164);
      out_.no_route_reason = "the callee \"" + out_.callee_number + "\" is not an E.164 number";
      return;
    }
    std::optional<uint32_t> chosen;
    for (const auto& c : rule_candidates(static_cast<uint32_t>(caller.group))) {
      const RuleEntry& r = d_.rules[c.rule];
      if (chosen) {  // only reached when explaining
        std::string why = rule_mismatch(r);
        skip("rule", r.src->meta.name,
             why.empty() ? "lower priority: less specific than, or ranked after, rule " +
                               d_.rules[*chosen].src->meta.name
                         : why);
        continue;
      }
      std::string why = rule_mismatch(r);
      if (!why.empty()) {
        skip("rule", r.src->meta.name, why);
        continue;
      }
      chosen = c.rule;
      out_.match = {Match::Kind::rule, c.rule,
                    c.prefix_length ? "prefix +" + std::to_string(callee_->value / pow10_u64(callee_->length - c.prefix_length))
                                    : "no destination prefix"};
      if (!env_.explain) break;
    }
    if (!chosen) {
      fail(NoRoute::no_rule);
      out_.no_route_reason = "no rule of routing group " + d_.groups[caller.group].src->meta.name + " matches " +
                             out_.callee_number;
      return;
    }
    add_trunk_routes(d_.rules[*chosen]);
  }

  // Targets by priority; weighted-random order among equal priority (weight 0 comes last).
  std::vector<TargetEntry> ordered_targets(const RuleEntry& r) const {
    std::vector<TargetEntry> out;
    auto random = env_.random ? env_.random : default_random;
    for (size_t i = 0; i < r.targets.size();) {
      size_t j = i;
      while (j < r.targets.size() && r.targets[j].priority == r.targets[i].priority) ++j;
      std::vector<TargetEntry> group(r.targets.begin() + i, r.targets.begin() + j);
      while (!group.empty()) {
        uint64_t total = 0;
        for (const auto& t : group) total += static_cast<uint64_t>(std::max(t.weight, 0));
        if (total == 0) {
          out.insert(out.end(), group.begin(), group.end());
          break;
        }
        uint64_t pick = group.size() == 1 ? 0 : random(total) % total;  // % total: a faulty source cannot overrun
        size_t k = 0;
        for (; k < group.size(); ++k) {
          uint64_t w = static_cast<uint64_t>(std::max(group[k].weight, 0));
          if (pick < w) break;
          pick -= w;
        }
        out.push_back(group[k]);
        group.erase(group.begin() + static_cast<long>(k));
      }
      i = j;
    }
    return out;
  }

  void add_trunk_routes(const RuleEntry& rule) {
    for (const auto& t : ordered_targets(rule)) {
      const TrunkEntry& trunk = d_.trunks[t.trunk];
      if (!out_.routes.empty() && !rule.src->failover) {
        skip("target", trunk.src->meta.name, "failover is off for rule " + rule.src->meta.name);
        continue;
      }
      std::string why;
      if (env_.capacity && env_.capacity->at_capacity(CapacityKey::trunk(trunk.id), trunk.src->capacity, env_.now, &why)) {
        if (env_.observer) env_.observer->capacity_skipped(t.trunk);
        skip("target", trunk.src->meta.name, "at capacity: " + why);
        continue;
      }
      add_trunk_route(t.trunk);
    }
    if (out_.routes.empty()) {
      fail(NoRoute::targets_at_capacity);
      out_.no_route_reason = "every target of rule " + rule.src->meta.name + " is at capacity";
      return;
    }
    if (env_.capacity && env_.record_call)
      env_.capacity->record_call(CapacityKey::trunk(d_.trunks[out_.routes.front().index].id), req_.call_id, env_.now);
  }

  // ---- routes -----------------------------------------------------------------------------

  // `who` names the target for explain ("IPBX acme-paris-hq"); built only when explaining.
  // Every text of the route is the engine's own: rewritten numbers (parse_sip_uri let only
  // RFC 3261 user characters in), the target's host, the checked display names.
  Route make_route(Route::Target target, uint32_t index, int32_t profile, const Preformatted& text,
                   const char* kind, const std::string& name) {
    Route route;
    route.target = target;
    route.index = index;
    route.dst_uri = text.dst_uri;
    const std::string who = env_.explain ? kind + (" " + name) : std::string();
    std::string callee = normalize(profile, out_.callee_number, Normalizer::Direction::outbound,
                                   Normalizer::Role::callee, env_.explain ? "callee to " + who : who);
    route.to_display = to_display_;
    route.to_uri = sip_uri(callee, text.to_host);
    route.uri = route.to_uri;  // the Request-URI: the callee as this target expects it, at its host
    route.from_display = from_display_;
    std::string caller = normalize(profile, out_.caller_number, Normalizer::Direction::outbound,
                                   Normalizer::Role::caller, env_.explain ? "caller to " + who : who);
    if (!text.from_host.empty())  // a trunk's registration domain replaces the caller's host (and port)
      route.from_uri = sip_uri(caller, text.from_host);
    else if (from_->scheme == "tel")
      route.from_uri = "tel:" + caller;
    else
      route.from_uri = sip_uri(caller, host_port(from_->host, from_->port));
    route.pai.reserve(26 + route.from_uri.size() + from_display_.size());
    route.pai.append("P-Asserted-Identity: ");
    if (!from_display_.empty()) route.pai.append(from_display_).append(" ");
    route.pai.append("<").append(route.from_uri).append(">\r\n");
    return route;
  }

  // The call's one route, to IPBX `index`; none when the IPBX is at capacity (a PBX has no
  // failover target: the caller's side, a carrier, tries its next route on the failure).
  void add_ipbx_route(uint32_t index) {
    const IpbxEntry& x = d_.ipbxs[index];
    std::string why;
    if (env_.capacity && env_.capacity->at_capacity(CapacityKey::ipbx(x.id), x.src->capacity, env_.now, &why)) {
      if (env_.observer) env_.observer->ipbx_capacity_skipped(index);
      skip("ipbx", x.src->meta.name, "at capacity: " + why);
      fail(NoRoute::ipbx_at_capacity);
      out_.no_route_reason = "IPBX " + x.src->meta.name + " is at capacity: " + why;
      return;
    }
    out_.routes.push_back(make_route(Route::Target::ipbx, index, x.profile, x.text, "IPBX", x.src->meta.name));
    if (env_.capacity && env_.record_call) env_.capacity->record_call(CapacityKey::ipbx(x.id), req_.call_id, env_.now);
  }

  void add_trunk_route(uint32_t index) {
    const TrunkEntry& t = d_.trunks[index];
    out_.routes.push_back(make_route(Route::Target::trunk, index, t.profile, t.text, "trunk", t.src->meta.name));
  }

  const Snapshot& s_;
  const SnapshotData& d_;
  const CallRequest& req_;
  const RouteEnv& env_;
  RouteDecision& out_;
  std::optional<SipUri> from_;
  SipUri to_;
  std::string from_display_, to_display_;  // quoted-strings, or "" for no name
  std::optional<E164> callee_;
  bool from_trunk_ = false;
  uint32_t tenant_ = 0;
};

}  // namespace

const char* no_route_code(NoRoute reason) {
  switch (reason) {
    case NoRoute::none: return "";
    case NoRoute::caller_unknown: return "caller_unknown";
    case NoRoute::invalid_to_uri: return "invalid_to_uri";
    case NoRoute::invalid_from_uri: return "invalid_from_uri";
    case NoRoute::callee_not_e164: return "callee_not_e164";
    case NoRoute::no_did: return "no_did";
    case NoRoute::no_routing_group: return "no_routing_group";
    case NoRoute::no_rule: return "no_rule";
    case NoRoute::targets_at_capacity: return "targets_at_capacity";
    case NoRoute::ipbx_at_capacity: return "ipbx_at_capacity";
  }
  return "";
}

const Meta& target_meta(const Snapshot& snapshot, const Route& route) {
  const SnapshotData& d = snapshot.data();
  return route.target == Route::Target::ipbx ? d.ipbxs[route.index].src->meta : d.trunks[route.index].src->meta;
}

int64_t target_id(const Snapshot& snapshot, const Route& route) {
  const SnapshotData& d = snapshot.data();
  return route.target == Route::Target::ipbx ? d.ipbxs[route.index].id : d.trunks[route.index].id;
}

const Meta* match_meta(const Snapshot& snapshot, const Match& match) {
  const SnapshotData& d = snapshot.data();
  switch (match.kind) {
    case Match::Kind::none: return nullptr;
    case Match::Kind::did:
    case Match::Kind::onnet_did: return &d.dids[match.index].src->meta;
    case Match::Kind::domain: return &d.domains[match.index].src->meta;
    case Match::Kind::rule: return &d.rules[match.index].src->meta;
  }
  return nullptr;
}

const Meta* caller_meta(const Snapshot& snapshot, const Caller& caller) {
  const SnapshotData& d = snapshot.data();
  switch (caller.kind) {
    case Caller::Kind::none: return nullptr;
    case Caller::Kind::ipbx: return &d.ipbxs[caller.index].src->meta;
    case Caller::Kind::trunk: return &d.trunks[caller.index].src->meta;
  }
  return nullptr;
}

RouteDecision route(const Snapshot& snapshot, const CallRequest& request, const RouteEnv& env) {
  RouteDecision decision;
  Router(snapshot, request, env, decision).run();
  return decision;
}

}  // namespace c4::routing
