// The routing-outcome metrics of POST /1.0/kamailio/routing, on GET /metrics:
//
//   c4confd_routing_requests_total{outcome}             routed, no_route, refused_auth,
//                                                       invalid_request, not_ready
//   c4confd_routing_no_route_total{reason}              one series per routing::NoRoute code
//   c4confd_routing_trunk_selections_total{tenant,trunk} calls whose first route is that trunk
//   c4confd_routing_ipbx_selections_total{tenant,ipbx}   calls whose first route is that IPBX
//   c4confd_routing_capacity_skips_total{tenant,trunk}   trunks left out because at capacity
//   c4confd_routing_ipbx_capacity_skips_total{tenant,ipbx} IPBXs left out because at capacity
//
// Labels are objects of the live snapshot, never numbers or addresses (docs/metrics.md). The
// per-object tables (api/server/object_counters.h) are built with each snapshot, off the hot
// path; counting a call is a few relaxed atomic increments: no lock, no allocation.
//
// Thread-safety: every member may be called from any thread at any time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "api/routing/engine.h"
#include "api/routing/snapshot.h"
#include "api/server/object_counters.h"

namespace c4::api {

class RoutingMetrics {
 public:
  // The counter tables of one snapshot's trunks and IPBXs (index i = the snapshot's object i);
  // also the observer route() tells of capacity skips.
  class Tables final : public routing::RouteObserver {
   public:
    void capacity_skipped(uint32_t trunk) const override { capacity_skips->add(trunk); }
    void ipbx_capacity_skipped(uint32_t ipbx) const override { ipbx_capacity_skips->add(ipbx); }
    ObjectCountersPtr trunk_selections, ipbx_selections, capacity_skips, ipbx_capacity_skips;
  };
  // A snapshot with its tables: what the routing handler reads in one atomic load, so the
  // indices it counts at are always those of the snapshot it routed on.
  struct Live {
    routing::SnapshotPtr snapshot;
    std::shared_ptr<const Tables> tables;
  };

  // Requests that did not reach the engine, or whatever the engine decided.
  enum class Outcome { routed, no_route, invalid_request, not_ready };

  // The tables for `snapshot`; objects also in `previous` (may be null) keep their counts.
  static std::shared_ptr<const Tables> tables_for(const routing::Snapshot& snapshot, const Tables* previous);

  // Counts a request that got no decision (invalid_request, not_ready).
  void count(Outcome outcome) { outcomes_[static_cast<size_t>(outcome)].fetch_add(1, std::memory_order_relaxed); }
  // Counts a decision: routed (and its first route's target selected), or no route by reason.
  // REQUIRES: `tables` were built for the snapshot the decision was made on.
  void count(const routing::RouteDecision& decision, const Tables& tables);

  // The metrics above as Prometheus text (HELP, TYPE, samples). `live` (may be null before the
  // first snapshot) gives the per-object series; `refused_auth` is the count of routing
  // requests the access check refused (401/403), which the HTTP server counts.
  std::string render(const Tables* live, uint64_t refused_auth) const;

  uint64_t outcome_count(Outcome outcome) const {
    return outcomes_[static_cast<size_t>(outcome)].load(std::memory_order_relaxed);
  }
  uint64_t no_route_count(routing::NoRoute reason) const {
    return no_route_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<uint64_t>, 4> outcomes_{};
  std::array<std::atomic<uint64_t>, routing::kNoRouteCount> no_route_{};  // index: NoRoute
};

}  // namespace c4::api
