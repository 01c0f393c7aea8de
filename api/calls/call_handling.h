// The call-handling side of the API, mounted on an ApiService in one call: the routing snapshot
// (reloaded off-thread on every revision, or handed over by the reconcile loop of `c4confd all`,
// swapped atomically), the Kamailio endpoints
// (/1.0/kamailio/routing, /auth, /dbtext/uacreg, /cdr), /1.0/routing/explain, and the CDR
// reads (/1.0/cdrs, /1.0/cdrs/stats, /1.0/cdrs.csv) with their group-commit writer.
//
//   auto service = api::ApiService::create(options).value();
//   auto calls = api::CallHandling::mount(*service, {database_url}).value();
//   service->start();  … service->stop(); calls->stop();
//
// Lifetime: the CallHandling must outlive the service's server (handlers point into it); call
// stop() after the server has stopped, so queued CDRs are written before the process exits.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/calls/routing_metrics.h"
#include "store/connection_pool.h"
#include "api/cdr/cdr_writer.h"
#include "api/calls/insight_views.h"
#include "api/routing/capacity.h"
#include "api/routing/engine.h"
#include "api/server/api_service.h"
#include "api/server/snapshot_holder.h"
#include "common/status.h"

namespace c4::api {

struct CallHandlingOptions {
  std::string database_url;
  // How callers without a matching allowed source are treated (api/routing/engine.h): strict
  // by default; legacy reproduces the old service's wildcards for compatibility tests.
  routing::CallerMatching matching = routing::CallerMatching::strict;
  cdr::CdrWriterOptions cdr_writer;  // database_url is filled from the field above
  // The snapshot's secret policy (model/secret_policy.h): which passwordFrom references it may
  // read. Default: C4_SECRET_* variables only.
  SecretPolicy secrets;
};

// The defaults with `database_url`.
CallHandlingOptions call_handling_options(std::string database_url);

class CallHandling {
 public:
  // Registers the "routing" snapshot reload on the watcher, mounts every route listed above
  // and adds the CDR writer's metrics. Call before service.start().
  static Result<std::unique_ptr<CallHandling>> mount(ApiService& service, CallHandlingOptions options);
  ~CallHandling();

  // The hand-off of `c4confd all`: makes the revision the reconciler has just committed
  // (`revision_id`, its validated `catalog` and the database `ids` of its objects) the routing
  // snapshot at once, compiled from the catalog (routing::compile_applied_snapshot) instead of
  // reloaded from PostgreSQL, then asks the watcher to check, which finds the routing snapshot
  // current (no reload) and brings the others (access tokens) up. A revision already served is
  // not compiled again. On failure the snapshot is left as it was and the watcher's reload
  // from PostgreSQL takes over. A watcher reload that finishes later never replaces a handed-off
  // snapshot with an older revision. Thread-safe.
  Status take_applied_revision(const Catalog& catalog, const routing::ObjectIds& ids, int64_t revision_id);

  // Writes the queued CDRs and stops the writer. Idempotent.
  void stop();

  const SnapshotHolder<routing::Snapshot>& snapshot() const { return snapshot_; }
  routing::CapacityTracker& capacity() { return capacity_; }
  const RoutingMetrics& routing_metrics() const { return routing_metrics_; }

 private:
  CallHandling() = default;
  // Stores `snapshot` (handed off, or loaded by the watcher) with its metric tables unless it is
  // a watcher load of a revision no newer than the last hand-off; refreshes the CDR writer's
  // tenants.
  void install(routing::SnapshotPtr snapshot, bool handed_off);
  HttpReply answer_routing(const ApiRequest& request, routing::RouteEnv env);
  // The parts of mount(): the watcher's "routing" reload, the Kamailio routes, the routes for
  // people (explain, CDRs, the dashboard's live views), and the metrics.
  void add_snapshot_reload(RevisionWatcher& watcher);
  void mount_kamailio_routes(Server& server);
  void mount_reader_routes(Server& server);
  void add_metric_sources(Server& server);
  // The engine's environment for one request now; `record` counts the call on its trunk.
  routing::RouteEnv route_env(bool record);

  CallHandlingOptions options_;
  RevisionWatcher* watcher_ = nullptr;
  std::mutex install_mutex_;         // orders hand-offs and watcher reloads
  int64_t handed_off_revision_ = -1;  // the last revision id handed off, -1 before any
  SnapshotHolder<routing::Snapshot> snapshot_;
  SnapshotHolder<RoutingMetrics::Live> live_;  // snapshot_ with its metric tables: the routing route's view
  RoutingMetrics routing_metrics_;
  routing::CapacityTracker capacity_;
  // Where the objects of the last handed-off revision are written (GET /1.0/sources): a snapshot
  // reloaded from PostgreSQL has no positions, so they are kept from the reconciler's catalog.
  SnapshotHolder<SourcePositions> positions_;
  std::unique_ptr<cdr::CdrWriter> writer_;
  std::unique_ptr<ConnectionPool> cdr_pool_;  // CDR readers: cdr::open_cdr_reader connections
};

}  // namespace c4::api
