// The API process, wired: the HTTP server with every route this library provides, the access
// control with its token snapshot, the revision watcher, metrics and the database pool. Built
// from options (cli/serve_options.h reads them from flags and environment) so `c4confd serve`
// and `c4confd all` share it, and the routing engine and CDR handlers are added in a line:
//
//   auto service = ApiService::create(options).value();
//   service->watcher().add_reload("routing", reload_routing_snapshot);     // before start()
//   service->server().mount("POST", "/1.0/kamailio/routing", Access::kamailio, route, kInlineHotRoute);
//   service->server().metrics().add_text_source(cdr_queue_metrics);
//   service->start();
//
// Thread-safety: configure (mount, add_reload, add_text_source) before start(); stop() from
// any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/server/access.h"
#include "store/connection_pool.h"
#include "api/server/metrics.h"
#include "api/server/revision_watcher.h"
#include "api/server/server.h"
#include "api/server/snapshot_holder.h"
#include "common/status.h"

namespace c4::api {

struct ApiServiceOptions {
  ServerOptions server;
  std::string database_url;
  std::string redis_url;       // empty: PostgreSQL poll only
  std::string redis_channel = "c4:revisions";  // docs/redis.md; tests use channels of their own
  std::string admin_token;     // the token itself; empty: none
  std::string kamailio_token;  // the token itself; empty: trusted networks only
  std::vector<IpNetwork> trusted_networks;
  WazoAuthOptions wazo_auth;   // url empty: X-Auth-Token refused
  std::string repo_url;        // named in 405 replies; empty: "the configuration repository"
  std::chrono::milliseconds poll_interval{5000};
  std::string version = "unknown";
};

class ApiService {
 public:
  // Builds everything and mounts the routes of this library. Does not touch the network.
  // Errors: invalid for a wazo-auth URL that is not one.
  static Result<std::unique_ptr<ApiService>> create(ApiServiceOptions options);
  ~ApiService();  // stop()

  Server& server() { return *server_; }
  RevisionWatcher& watcher() { return *watcher_; }
  ConnectionPool& pool() { return *pool_; }
  const SnapshotHolder<AccessSnapshot>& access_tokens() const { return *tokens_; }

  // Starts the watcher (first snapshot load) and the server on its own thread. Errors:
  // unavailable when the listen address cannot be bound.
  Status start();
  // Graceful: stops accepting, finishes in-flight requests, stops the watcher. Idempotent.
  void stop();

 private:
  ApiService() = default;
  ApiServiceOptions options_;
  std::shared_ptr<SnapshotHolder<AccessSnapshot>> tokens_;
  std::shared_ptr<ConnectionPool> pool_;
  std::shared_ptr<RevisionWatcher> watcher_;
  std::unique_ptr<Server> server_;
};

// The 405 message for a write on `path`: names `repo_url` for configuration paths, "" else.
std::string config_write_message(std::string_view path, const std::string& repo_url);

}  // namespace c4::api
