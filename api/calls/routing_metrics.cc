#include "api/calls/routing_metrics.h"

#include "api/routing/snapshot_data.h"

namespace c4::api {
namespace {

template <class Entries>
ObjectCountersPtr table_of(const Entries& entries, const ObjectCounters* previous) {
  std::vector<CounterKey> keys;
  keys.reserve(entries.size());
  for (const auto& e : entries) keys.push_back({e.src->meta.tenant, e.src->meta.name});
  return ObjectCounters::build(std::move(keys), previous);
}

void header(std::string& out, const char* name, const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" counter\n");
}

}  // namespace

std::shared_ptr<const RoutingMetrics::Tables> RoutingMetrics::tables_for(const routing::Snapshot& snapshot,
                                                                          const Tables* previous) {
  const routing::SnapshotData& d = snapshot.data();
  auto tables = std::make_shared<Tables>();
  tables->trunk_selections = table_of(d.trunks, previous ? previous->trunk_selections.get() : nullptr);
  tables->ipbx_selections = table_of(d.ipbxs, previous ? previous->ipbx_selections.get() : nullptr);
  tables->capacity_skips = table_of(d.trunks, previous ? previous->capacity_skips.get() : nullptr);
  tables->ipbx_capacity_skips = table_of(d.ipbxs, previous ? previous->ipbx_capacity_skips.get() : nullptr);
  return tables;
}

void RoutingMetrics::count(const routing::RouteDecision& decision, const Tables& tables) {
  if (decision.routes.empty()) {
    count(Outcome::no_route);
    no_route_[static_cast<size_t>(decision.no_route)].fetch_add(1, std::memory_order_relaxed);
    return;
  }
  count(Outcome::routed);
  const routing::Route& first = decision.routes.front();
  (first.target == routing::Route::Target::trunk ? tables.trunk_selections : tables.ipbx_selections)->add(first.index);
}

std::string RoutingMetrics::render(const Tables* live, uint64_t refused_auth) const {
  std::string out;
  header(out, "c4confd_routing_requests_total",
         "Kamailio routing requests by outcome: routed, no_route, refused_auth (401/403), invalid_request (400), "
         "not_ready (503).");
  auto sample = [&](const char* metric, const char* label, const char* value, uint64_t n) {
    out.append(metric).append("{").append(label).append("=\"").append(value).append("\"} ");
    out.append(std::to_string(n)).append("\n");
  };
  sample("c4confd_routing_requests_total", "outcome", "routed", outcome_count(Outcome::routed));
  sample("c4confd_routing_requests_total", "outcome", "no_route", outcome_count(Outcome::no_route));
  sample("c4confd_routing_requests_total", "outcome", "refused_auth", refused_auth);
  sample("c4confd_routing_requests_total", "outcome", "invalid_request", outcome_count(Outcome::invalid_request));
  sample("c4confd_routing_requests_total", "outcome", "not_ready", outcome_count(Outcome::not_ready));

  header(out, "c4confd_routing_no_route_total", "Routing requests answered without a route, by reason.");
  for (size_t i = 1; i < routing::kNoRouteCount; ++i) {
    auto reason = static_cast<routing::NoRoute>(i);
    sample("c4confd_routing_no_route_total", "reason", routing::no_route_code(reason), no_route_count(reason));
  }

  header(out, "c4confd_routing_trunk_selections_total",
         "Routed calls whose first route is this carrier trunk (objects of the live snapshot).");
  if (live) live->trunk_selections->render(out, "c4confd_routing_trunk_selections_total", "trunk");
  header(out, "c4confd_routing_ipbx_selections_total",
         "Routed calls whose first route is this IPBX (objects of the live snapshot).");
  if (live) live->ipbx_selections->render(out, "c4confd_routing_ipbx_selections_total", "ipbx");
  header(out, "c4confd_routing_capacity_skips_total",
         "Routing targets left out of an answer because the trunk was at capacity.");
  if (live) live->capacity_skips->render(out, "c4confd_routing_capacity_skips_total", "trunk");
  header(out, "c4confd_routing_ipbx_capacity_skips_total",
         "Calls left without a route because the IPBX a DID or a domain sends them to was at capacity.");
  if (live) live->ipbx_capacity_skips->render(out, "c4confd_routing_ipbx_capacity_skips_total", "ipbx");
  return out;
}

}  // namespace c4::api
