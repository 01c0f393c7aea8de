// c4confd serve: the HTTP API (Kamailio endpoints once mounted, read-only REST, revisions,
// /status, /metrics, /openapi.json), answering from in-memory snapshots kept current by the
// revision watcher.
#include <csignal>
#include <iostream>

#include <unistd.h>

#include "api/calls/call_handling.h"
#include "api/server/control_views.h"
#include "cli/commands.h"
#include "cli/serve_options.h"
#include "cli/startup_migrator.h"
#include "common/log.h"

namespace c4::cli {
namespace {

// Until `migrator` has migrated the database, the "migrations" snapshot keeps /status at 503;
// once it has, the watcher is asked to load at once. A terminal failure (a migration that
// cannot apply) stops the process with exit status 1, as it would have at start.
void wait_for_migrations(api::ApiService& service, StartupMigrator& migrator, std::atomic<bool>& failed) {
  service.watcher().add_reload("migrations", [&migrator](pqxx::connection&, const std::string&) {
    return migrator.migrated() ? Status::ok() : Status::unavailable("the database migrations have not run yet");
  });
  api::RevisionWatcher* watcher = &service.watcher();
  migrator.retry_in_background([watcher] { watcher->check_soon(); },
                               [&failed](const Status&) {
                                 failed = true;
                                 ::kill(::getpid(), SIGTERM);  // taken by run_until_signal's sigwait
                               });
}

int run_serve(const ParsedOptions& parsed) {
  auto options = read_serve_options(parsed);
  if (!options) {
    std::cerr << "c4confd serve: " << options.status().message() << "\n";
    return 2;
  }
  options->version = C4CONFD_VERSION;
  auto call_options = read_call_options(parsed, options->database_url);
  if (!call_options) {
    std::cerr << "c4confd serve: " << call_options.status().message() << "\n";
    return 2;
  }
  // Before any thread exists, so every thread inherits the mask and sigwait() gets the signal.
  block_shutdown_signals();

  // PostgreSQL may come up after us (a reboot, a rolling restart): a database that cannot be
  // reached is retried with backoff while the API listens and /status says not ready.
  StartupMigrator migrator(options->database_url, "serve");
  Status first = migrator.try_once();
  if (!first && !first.retryable()) {
    std::cerr << "c4confd serve: " << first.message() << "\n";
    return 1;
  }

  auto api = start_api("serve", std::move(options.value()), std::move(call_options.value()));
  if (!api) return 1;
  // The on-call controls; sync answers 409 here (no loop in this process: see `c4confd all`).
  api::mount_control_views(api->service->server(), api->service->pool(), nullptr);
  std::atomic<bool> failed{false};
  if (!migrator.migrated()) wait_for_migrations(*api->service, migrator, failed);
  int rc = run_until_signal(*api->service);
  migrator.stop();
  api->calls->stop();  // after the server stopped: the CDRs it accepted are written
  return failed ? 1 : rc;
}

}  // namespace

Command serve_command() {
  return {{"serve", "",
           "Serves the HTTP API: read-only configuration, revisions and status, /metrics, /openapi.json and\n"
           "GET /status (204 once the snapshots have loaded). Migrates the database first; while PostgreSQL\n"
           "cannot be reached it retries with backoff (logged), and /status answers 503 meanwhile. Stops\n"
           "gracefully on SIGTERM or SIGINT (in-flight requests finish) and exits 0.",
           serve_options(),
           "Serves the HTTP API: configuration, revisions, status, metrics and routing answers."},
          run_serve};
}

}  // namespace c4::cli
