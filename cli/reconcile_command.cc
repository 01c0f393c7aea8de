// c4confd reconcile: the watching loop (reconciler/reconcile_loop.h) and its small HTTP
// server: POST /hooks/git (webhook), GET /status (204 while the loop runs), GET /metrics.
// SIGTERM or SIGINT stops it after the pass in progress; the process then exits 0.
#include <signal.h>

#include <iostream>
#include <thread>

#include <httplib.h>

#include "api/http_reply.h"
#include "cli/commands.h"
#include "cli/reconcile_options.h"
#include "cli/source_options.h"
#include "common/log.h"
#include "reconciler/reconcile_loop.h"
#include "reconciler/webhook.h"

namespace c4::cli {
namespace {

constexpr int kExitOk = 0, kExitError = 1, kExitUsage = 2;

int usage_error(const std::string& message) {
  std::cerr << "c4confd reconcile: " << message << "\n";
  return kExitUsage;
}

void mount_routes(httplib::Server& server, ReconcileLoop& loop, const WebhookConfig& webhook) {
  register_webhook_route(server, webhook, [&loop] { loop.trigger(); });
  server.Get("/status", [&loop](const httplib::Request&, httplib::Response& res) {
    if (loop.running()) {
      res.status = 204;
      return;
    }
    auto reply = api::error_reply(503, "not_running", "the reconcile loop is not running");
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type.c_str());
  });
  server.Get("/metrics", [&loop](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_prometheus(loop.stats()), "text/plain; version=0.0.4");
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
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ReconcileLoop loop(setup->loop, std::move(setup->source), setup->schemas);
  httplib::Server server;
  server.set_tcp_nodelay(true);
  // httplib reads a whole body before the handler runs: bound it (413 above, 400 from the
  // webhook between its own limit and this one).
  server.set_payload_max_length(2 * webhook.max_body_bytes);
  // What httplib refuses by itself (413, unknown paths…) still answers in the one error shape.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 413 ? "the request body is too large (form-encoded bodies: 8 KiB; send JSON)"
                          : res.status == 404 ? "no such path: " + req.path + " (POST /hooks/git, GET /status, GET /metrics)"
                                              : "the request was refused";
    auto reply = api::error_reply(res.status, res.status == 413 ? "body_too_large" : res.status == 404 ? "not_found"
                                                                                                         : "bad_request",
                                  message);
    res.set_content(reply.body, reply.content_type.c_str());
  });
  mount_routes(server, loop, webhook);
  auto [host, port] = *listen;  // port 0: any free port
  if (port == 0) port = server.bind_to_any_port(host);
  else if (!server.bind_to_port(host, port)) port = -1;
  if (port <= 0) {
    std::cerr << "c4confd reconcile: cannot listen on " << options.get("listen") << "\n";
    return kExitError;
  }
  log_event(LogLevel::info, "reconcile.listening",
            {{"address", host + ":" + std::to_string(port)}, {"webhook", webhook.secret.empty() ? "disabled" : "enabled"}});
  if (webhook.secret.empty())
    log_event(LogLevel::warn, "reconcile.webhook_disabled", {{"reason", "no --webhook-secret-file or C4CONFD_WEBHOOK_SECRET"}});

  std::thread http([&server] { server.listen_after_bind(); });
  std::thread signals([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    log_event(LogLevel::info, "reconcile.signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    loop.stop();
  });
  loop.run();  // returns only after stop(), i.e. after a signal
  server.stop();
  http.join();
  signals.join();
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
  return {{"reconcile", "[PATH]",
           "Watches the Git branch (--repo; or the directory PATH) and keeps the database and Redis on its tip: polls\n"
           "every --interval or at once on an authenticated POST /hooks/git, applies each new commit in one\n"
           "transaction, corrects hand edits (drift), backs off while Git or PostgreSQL fail. One instance per\n"
           "database applies (PostgreSQL advisory lock); others wait and take over. SIGTERM/SIGINT: the apply in\n"
           "progress finishes or rolls back, then exit 0. See docs/reconcile.md.",
           options},
          run_reconcile};
}

}  // namespace c4::cli
