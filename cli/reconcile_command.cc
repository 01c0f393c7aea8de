// c4confd reconcile: the watching loop (reconciler/reconcile_loop.h) and its small HTTP
// server: POST /hooks/git (webhook), GET /status (204 while the loop runs), GET /metrics.
// SIGTERM or SIGINT stops it after the pass in progress; the process then exits 0.
#include <iostream>
#include <thread>

#include "api/calls/reconciler_routes.h"
#include "api/http_reply.h"
#include "api/server/server.h"
#include "cli/commands.h"
#include "cli/reconcile_options.h"
#include "cli/secret_options.h"
#include "cli/serve_options.h"
#include "cli/source_options.h"
#include "common/log.h"
#include "reconciler/reconcile_loop.h"
#include "reconciler/webhook.h"
#include "api/error_vocabulary.h"

namespace c4::cli {
namespace {

constexpr int kExitOk = 0, kExitError = 1, kExitUsage = 2;

int usage_error(const std::string& message) {
  std::cerr << "c4confd reconcile: " << message << "\n";
  return kExitUsage;
}

// The loop's own small API, on the same server as `serve` (api/server/server.h): the signed
// webhook (api/calls/reconciler_routes.h, which also adds the loop's figures to /metrics),
// /status and /metrics. Every route is open: the webhook checks its own signature.
void mount_routes(api::Server& server, ReconcileLoop& loop, const WebhookConfig& webhook) {
  api::mount_reconciler_routes(server, loop, webhook);
  server.mount("GET", "/status", api::Access::open, [&loop](const api::ApiRequest&) {
    if (loop.running()) return api::HttpReply{204, "", ""};
    return api::unavailable_reply("reconciler", "the reconcile loop is not running");
  });
  api::Metrics* metrics = &server.metrics();  // owned by the server for its whole life
  server.mount("GET", "/metrics", api::Access::open, [metrics](const api::ApiRequest&) {
    return api::HttpReply{200, "text/plain; version=0.0.4", metrics->render()};
  });
}

int run_reconcile(const ParsedOptions& options) {
  LogLevel level;
  if (!parse_log_level(options.get("log-level"), level))
    return usage_error("--log-level \"" + options.get("log-level") + "\": expected debug, info, warn or error");
  set_min_log_level(level);
  auto setup = read_reconcile_options(options);
  if (!setup) return usage_error(setup.status().message());
  auto listen = parse_listen_option(options, "listen");
  if (!listen) return usage_error(listen.status().message());
  // Migrate at start; a database that is down now is retried by the loop (which migrates too).
  if (Status migrated = migrate_at_start(setup->loop.database_url, "reconcile"); !migrated) {
    std::cerr << "c4confd reconcile: " << migrated.message() << "\n";
    return migrated.code() == Status::Code::invalid ? kExitUsage : kExitError;
  }
  const WebhookConfig& webhook = setup->webhook;

  // Signals are taken by one thread with sigwait: blocked here, before any thread starts, so
  // every thread inherits the mask and none is interrupted in the middle of a pass.
  block_shutdown_signals();

  ReconcileLoop loop(setup->loop, std::move(setup->source), setup->schemas);
  auto [host, port] = *listen;  // port 0: any free port
  api::ServerOptions server_options;
  server_options.host = host;
  server_options.port = port;
  server_options.workers = 4;  // a webhook now and then, scrapes and probes
  // Bodies between the webhook's own limit and this one get its 413 with the limit named.
  server_options.max_body_bytes = 2 * webhook.max_body_bytes;
  api::Server server(server_options, std::make_shared<api::Metrics>(C4CONFD_VERSION),
                     api::open_routes_only());
  mount_routes(server, loop, webhook);
  auto reporter = attach_reporter(*setup, loop);
  if (reporter) server.metrics().add_text_source([r = reporter.get()] { return render_delivery_metrics(r->stats()); });
  if (Status bound = server.bind(); !bound) {
    std::cerr << "c4confd reconcile: " << bound.message() << "\n";
    return kExitError;
  }
  port = server.port();
  log_event(LogLevel::info, "reconcile.listening",
            {{"address", host + ":" + std::to_string(port)}, {"webhook", webhook.secret.empty() ? "disabled" : "enabled"}});
  if (webhook.secret.empty())
    log_event(LogLevel::warn, "reconcile.webhook_disabled", {{"reason", "no --webhook-secret-file or C4CONFD_WEBHOOK_SECRET"}});

  if (Status started = server.start(); !started) {  // already bound: serves on a thread of its own
    std::cerr << "c4confd reconcile: " << started.message() << "\n";
    return kExitError;
  }
  std::thread signals([&] {
    log_event(LogLevel::info, "reconcile.signal", {{"signal", wait_for_shutdown_signal()}});
    loop.stop();
  });
  loop.run();  // returns only after stop(), i.e. after a signal
  server.stop();
  signals.join();
  if (reporter) reporter->stop();
  return kExitOk;
}

}  // namespace

Command reconcile_command() {
  std::vector<OptionSpec> options = {
      database_option(),
      {"redis-url", "URL", "Redis to project the edge keys into after each apply (docs/redis.md); empty: skip.", ""},
      {"listen", "HOST:PORT", "address of POST /hooks/git, GET /status and GET /metrics (port 0: any free port).",
       "127.0.0.1:9601", false, "C4CONFD_RECONCILE_LISTEN"},
      {"log-level", "LEVEL", "debug (also logs each standby retry and unchanged pass), info, warn or error.", "info"},
  };
  auto loop = reconcile_loop_options();
  options.insert(options.end(), loop.begin(), loop.end());
  auto secrets = secret_options();  // `all` has them through serve_options()
  options.insert(options.end(), secrets.begin(), secrets.end());
  return {{"reconcile", "[PATH]",
           "Watches the Git branch (--repo; or the directory PATH) and keeps the database and Redis on its tip: polls\n"
           "every --interval or at once on an authenticated POST /hooks/git, applies each new commit in one\n"
           "transaction, corrects hand edits (drift), backs off while Git or PostgreSQL fail. One instance per\n"
           "database applies (PostgreSQL advisory lock); others wait and take over. SIGTERM/SIGINT: the apply in\n"
           "progress finishes or rolls back, then exit 0. See docs/reconcile.md.",
           options,
           "Keeps the database and Redis on the tip of the Git branch, correcting drift."},
          run_reconcile};
}

}  // namespace c4::cli
