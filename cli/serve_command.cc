// c4confd serve: the HTTP API (Kamailio endpoints once mounted, read-only REST, revisions,
// /status, /metrics, /openapi.json), answering from in-memory snapshots kept current by the
// revision watcher.
#include <iostream>

#include "api/calls/call_handling.h"
#include "cli/commands.h"
#include "cli/serve_options.h"
#include "common/log.h"
#include "reconciler/database.h"
#include "reconciler/migrations.h"

namespace c4::cli {
namespace {

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

  auto conn = connect_database(options->database_url);
  if (!conn) {
    std::cerr << "c4confd serve: " << conn.status().message() << "\n";
    return 1;
  }
  auto migrated = migrate(**conn);
  if (!migrated) {
    std::cerr << "c4confd serve: migrating the database: " << migrated.status().message() << "\n";
    return 1;
  }
  conn.value().reset();
  log_event(LogLevel::info, "migrated", {{"applied", migrated->applied.size()}});

  auto service = api::ApiService::create(std::move(options.value()));
  if (!service) {
    std::cerr << "c4confd serve: " << service.status().message() << "\n";
    return 1;
  }
  auto calls = api::CallHandling::mount(**service, std::move(call_options.value()));
  if (!calls) {
    std::cerr << "c4confd serve: " << calls.status().message() << "\n";
    return 1;
  }
  int rc = run_until_signal(**service);
  (*calls)->stop();  // after the server stopped: the CDRs it accepted are written
  return rc;
}

}  // namespace

Command serve_command() {
  return {{"serve", "",
           "Serves the HTTP API: read-only configuration, revisions and status, /metrics, /openapi.json and\n"
           "GET /status (204 once the snapshots have loaded). Migrates the database first. Stops gracefully\n"
           "on SIGTERM or SIGINT (in-flight requests finish) and exits 0.",
           serve_options()},
          run_serve};
}

}  // namespace c4::cli
