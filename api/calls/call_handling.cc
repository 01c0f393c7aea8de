#include "api/calls/call_handling.h"

#include <charconv>

#include "api/cdr/cdr_csv.h"
#include "api/cdr/cdr_ingest.h"
#include "api/cdr/cdr_search.h"
#include "api/cdr/cdr_stats.h"
#include "api/routing/explain.h"
#include "api/routing/kamailio.h"
#include "api/routing/snapshot_data.h"
#include "common/log.h"

namespace c4::api {
namespace {

constexpr std::string_view kRoutingPath = "/1.0/kamailio/routing";

// Before the first snapshot the server is not ready (/status 503), but a request can still
// arrive; it gets a 503 it can retry, never a crash on a null snapshot.
HttpReply not_ready_reply() {
  return error_reply(503, "not_ready", "the routing snapshot has not been loaded yet; retry shortly");
}

// What a request's token may see in an explanation: every tenant, or those its scope covers.
routing::ExplainViewer explain_viewer(const routing::Snapshot& snapshot, const TenantScope& scope) {
  routing::ExplainViewer viewer;
  if (scope.all) return viewer;
  viewer.all = false;
  for (const auto& t : snapshot.data().tenants) viewer.tenants.push_back(scope.allows(t.src->uuid));
  return viewer;
}

// The revision id of a snapshot's revision() ("42"), or of a watcher revision ("42:<commit>");
// -1 for "" (nothing applied yet).
int64_t revision_number(std::string_view revision) {
  revision = revision.substr(0, revision.find(':'));
  int64_t n = -1;
  std::from_chars(revision.data(), revision.data() + revision.size(), n);
  return n;
}

}  // namespace

CallHandlingOptions call_handling_options(std::string database_url) {
  CallHandlingOptions options;
  options.database_url = std::move(database_url);
  return options;
}

Result<std::unique_ptr<CallHandling>> CallHandling::mount(ApiService& service, CallHandlingOptions options) {
  if (options.database_url.empty()) return Status::invalid("call handling needs a database URL");
  std::unique_ptr<CallHandling> self(new CallHandling());
  self->options_ = std::move(options);
  self->options_.cdr_writer.database_url = self->options_.database_url;
  self->writer_ = cdr::CdrWriter::start(self->options_.cdr_writer);
  self->cdr_pool_ = std::make_unique<ConnectionPool>(self->options_.database_url, cdr::open_cdr_reader);
  self->watcher_ = &service.watcher();
  self->add_snapshot_reload(service.watcher());
  self->mount_kamailio_routes(service.server());
  self->mount_reader_routes(service.server());
  self->add_metric_sources(service.server());
  return self;
}

void CallHandling::add_snapshot_reload(RevisionWatcher& watcher) {
  watcher.add_reload("routing", [this](pqxx::connection& conn, const std::string& revision) -> Status {
    // Already served (handed off by the reconcile loop of `c4confd all`): nothing to reload.
    auto current = snapshot_.get();
    if (current && !revision.empty() && revision_number(current->revision()) == revision_number(revision)) {
      log_event(LogLevel::debug, "routing.snapshot_current", {{"revision", revision}});
      return Status::ok();
    }
    auto started = std::chrono::steady_clock::now();
    routing::SnapshotOptions snapshot_options;
    snapshot_options.secrets = options_.secrets;
    auto snapshot = routing::load_snapshot(conn, snapshot_options);
    if (!snapshot) return snapshot.status().with_context("loading the routing snapshot");
    install(*snapshot, false);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log_event(LogLevel::info, "routing.snapshot_loaded",
              {{"revision", (*snapshot)->revision()}, {"announced", revision}, {"ms", ms.count()}});
    return Status::ok();
  });
}

routing::RouteEnv CallHandling::route_env(bool record) {
  routing::RouteEnv env;
  env.now = std::chrono::system_clock::now();
  env.capacity = &capacity_;
  env.record_call = record;
  env.matching = options_.matching;
  return env;
}

// routing, auth and uacreg answer from the in-memory snapshot (the capacity counters take a
// mutex for a few map operations): pure CPU, so they run on the I/O threads (runs_inline).
// The CDR ingest may read the tenants table, then hands its record to the writer's group
// commit and frees its worker (the writer answers after the commit).
void CallHandling::mount_kamailio_routes(Server& server) {
  server.mount("POST", std::string(kRoutingPath), Access::kamailio, [this](const ApiRequest& r) {
    return answer_routing(r, route_env(true));
  }, kInlineHotRoute);
  server.mount("POST", "/1.0/kamailio/auth", Access::kamailio, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return routing::auth_reply(*snapshot, r.body, options_.matching);
  }, kInlineHotRoute);
  server.mount("GET", "/1.0/kamailio/dbtext/uacreg", Access::kamailio, [this](const ApiRequest&) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return routing::uacreg_reply(*snapshot);
  }, kInlineRoute);
  server.mount_async("POST", "/1.0/kamailio/cdr", Access::kamailio, [this](const ApiRequest& r, Responder reply) {
    // The call is over: its channel on the trunk or IPBX it was routed to is free again.
    cdr::cdr_ingest(*writer_, r, reply, [this](const cdr::StoredCdr& stored) {
      capacity_.release_call(stored.record.call_id);
    });
  }, kHotRoute);
}

// For people and their tools: explain and the CDRs read or may read PostgreSQL, so they run on
// the workers; the dashboard's live views (capacity, who owns a number) read the snapshot only.
void CallHandling::mount_reader_routes(Server& server) {
  server.mount("POST", "/1.0/routing/explain", Access::reader, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    // Explain shows a tenant's configuration: a token sees only its own tenants' part of it.
    return routing::explain_reply(*snapshot, r.body, route_env(false), explain_viewer(*snapshot, r.scope));
  });
  server.mount("GET", "/1.0/cdrs", Access::reader,
               [this](const ApiRequest& r) { return cdr::cdr_search_reply(*cdr_pool_, r); });
  server.mount("GET", "/1.0/cdrs/{id}", Access::reader,
               [this](const ApiRequest& r) { return cdr::cdr_by_id_reply(*cdr_pool_, r); });
  server.mount("GET", "/1.0/cdrs/stats", Access::reader,
               [this](const ApiRequest& r) { return cdr::cdr_stats_reply(*cdr_pool_, r); });
  server.mount("GET", "/1.0/cdrs.csv", Access::reader,
               [this](const ApiRequest& r) { return cdr::cdr_csv_reply(*cdr_pool_, r); });
  server.mount("GET", "/1.0/capacity", Access::reader, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return json_reply(200, capacity_json(*snapshot, positions_.get().get(), capacity_, r.scope,
                                         std::chrono::system_clock::now()));
  }, kInlineRoute);
  server.mount("GET", "/1.0/whoami", Access::reader, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return json_reply(200, whoami_json(*snapshot, r.scope));
  }, kInlineRoute);
  server.mount("GET", "/1.0/sources", Access::reader, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return json_reply(200, sources_json(*snapshot, positions_.get().get(), r.scope));
  });
  server.mount("GET", "/1.0/numbers/{number}", Access::reader, [this](const ApiRequest& r) {
    auto snapshot = snapshot_.get();
    if (!snapshot) return not_ready_reply();
    return number_owner_reply(*snapshot, positions_.get().get(), r.path_params.at("number"), r.scope);
  }, kInlineRoute);
}

void CallHandling::add_metric_sources(Server& server) {
  server.metrics().add_text_source([this] { return writer_->metrics_text(); });
  server.metrics().add_text_source([this, &metrics = server.metrics()] {
    // The access check answers before any handler: the server's own counts are the refusals.
    uint64_t refused = metrics.request_count(kRoutingPath, "POST", 401) + metrics.request_count(kRoutingPath, "POST", 403);
    auto live = live_.get();
    return routing_metrics_.render(live ? live->tables.get() : nullptr, refused);
  });
}

void CallHandling::install(routing::SnapshotPtr snapshot, bool handed_off) {
  {
    std::lock_guard lock(install_mutex_);
    int64_t revision = revision_number(snapshot->revision());
    if (!handed_off && revision <= handed_off_revision_) {
      // Loaded from PostgreSQL while the same or a newer revision was handed off (the watcher
      // may read the commit just before the hand-off lands): keep the one handed off, which
      // also carries the source positions, and skip a needless swap.
      log_event(LogLevel::info, "routing.snapshot_superseded",
                {{"revision", snapshot->revision()}, {"serving", handed_off_revision_}});
      return;
    }
    if (handed_off) handed_off_revision_ = revision;
    for (const auto& w : snapshot->warnings()) log_event(LogLevel::warn, "routing.snapshot_warning", {{"warning", w}});
    auto previous = live_.get();
    auto tables = RoutingMetrics::tables_for(*snapshot, previous ? previous->tables.get() : nullptr);
    live_.store(std::make_shared<const RoutingMetrics::Live>(RoutingMetrics::Live{snapshot, std::move(tables)}));
    snapshot_.store(std::move(snapshot));
  }
  // A revision may add tenants: CDRs of the new tenant must be accepted at once.
  Status refreshed = writer_->refresh_tenants();
  if (!refreshed) log_event(LogLevel::warn, "cdr.tenant_refresh_failed", {{"error", refreshed.message()}});
}

Status CallHandling::take_applied_revision(const Catalog& catalog, const routing::ObjectIds& ids, int64_t revision_id) {
  // Kept even when the watcher has already loaded this revision (from PostgreSQL, without them).
  positions_.store(std::make_shared<const SourcePositions>(source_positions(catalog, revision_id)));
  auto current = snapshot_.get();
  if (current && revision_number(current->revision()) == revision_id) return Status::ok();  // already served
  auto started = std::chrono::steady_clock::now();
  routing::SnapshotOptions snapshot_options;
  snapshot_options.secrets = options_.secrets;
  auto snapshot = routing::compile_applied_snapshot(catalog, ids, revision_id, snapshot_options);
  if (!snapshot) {
    Status failed = snapshot.status().with_context("handing revision " + std::to_string(revision_id) + " to the API");
    log_event(LogLevel::error, "routing.snapshot_handoff_failed", {{"revision", revision_id}, {"error", failed.message()}});
    watcher_->check_soon();  // the reload from PostgreSQL takes over
    return failed;
  }
  auto built = std::chrono::steady_clock::now();
  install(*snapshot, true);
  auto ms = [](auto from, auto to) { return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count(); };
  auto done = std::chrono::steady_clock::now();
  log_event(LogLevel::info, "routing.snapshot_handed_off",
            {{"revision", revision_id}, {"build_ms", ms(started, built)}, {"swap_ms", ms(built, done)}});
  watcher_->check_soon();  // the watcher's state (GET /1.0/status) and the other snapshots follow
  return Status::ok();
}

// POST /1.0/kamailio/routing, counted by outcome (api/calls/routing_metrics.h).
HttpReply CallHandling::answer_routing(const ApiRequest& request, routing::RouteEnv env) {
  auto live = live_.get();
  if (!live) {
    routing_metrics_.count(RoutingMetrics::Outcome::not_ready);
    return not_ready_reply();
  }
  env.observer = live->tables.get();
  routing::RouteDecision decision;
  HttpReply reply = routing::routing_reply(*live->snapshot, request.body, env, &decision);
  if (reply.status == 400) routing_metrics_.count(RoutingMetrics::Outcome::invalid_request);
  else routing_metrics_.count(decision, *live->tables);
  return reply;
}

CallHandling::~CallHandling() { stop(); }

void CallHandling::stop() {
  if (writer_) writer_->stop();
}

}  // namespace c4::api
