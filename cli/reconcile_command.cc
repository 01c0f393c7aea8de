// c4confd reconcile: the watching loop (reconciler/reconcile_loop.h) and its small HTTP
// server: POST /hooks/git (webhook), GET /status (204 while the loop runs), GET /metrics.
// SIGTERM or SIGINT stops it after the pass in progress; the process then exits 0.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "api/http_reply.h"
#include "cli/commands.h"
#include "cli/source_options.h"
#include "common/duration.h"
#include "common/log.h"
#include "reconciler/database.h"
#include "reconciler/migrations.h"
#include "reconciler/reconcile_loop.h"
#include "reconciler/webhook.h"

namespace c4::cli {
namespace {

constexpr int kExitOk = 0, kExitError = 1, kExitUsage = 2;

int usage_error(const std::string& message) {
  std::cerr << "c4confd reconcile: " << message << "\n";
  return kExitUsage;
}

// "host:port" (IPv6 as "[::1]:9601"); port 0 picks a free one.
Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::invalid("--listen \"" + text + "\" is not HOST:PORT");
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return Status::invalid("--listen \"" + text + "\": the port must be a number from 0 to 65535");
  return std::pair{host, std::stoi(port)};
}

// The webhook secret: the content of --webhook-secret-file (without trailing newlines), else
// the environment variable C4CONFD_WEBHOOK_SECRET, else "" (webhooks disabled).
Result<std::string> webhook_secret(const ParsedOptions& options) {
  std::string file = options.get("webhook-secret-file");
  if (file.empty()) {
    const char* env = std::getenv("C4CONFD_WEBHOOK_SECRET");
    return std::string(env ? env : "");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::invalid("--webhook-secret-file " + file + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::invalid("--webhook-secret-file " + file + ": the file is empty");
  return secret;
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
  ReconcileLoopConfig config;
  config.database_url = options.get("database-url");
  if (config.database_url.empty()) return usage_error("--database-url (or C4CONFD_DATABASE_URL) is required");
  config.redis_url = options.get("redis-url");
  auto interval = parse_duration(options.get("interval"));
  if (!interval) return usage_error("--interval: " + interval.status().message());
  config.interval = *interval;
  if (auto t = options.get("threads"); !t.empty()) {
    if (t.find_first_not_of("0123456789") != std::string::npos || t.size() > 4)
      return usage_error("--threads must be a number, not \"" + t + "\"");
    config.threads = static_cast<unsigned>(std::stoul(t));
  }
  auto listen = parse_listen(options.get("listen"));
  if (!listen) return usage_error(listen.status().message());
  WebhookConfig webhook;
  auto secret = webhook_secret(options);
  if (!secret) return usage_error(secret.status().message());
  webhook.secret = *secret;

  auto source = open_revision_source(options);
  if (!source) return usage_error(source.status().message());
  auto schemas = SchemaSet::builtin();
  if (!schemas) return usage_error(schemas.status().message());

  // Migrate at start; a database that is down now is retried by the loop (which migrates too).
  if (auto conn = connect_database(config.database_url); !conn) {
    if (!conn.status().retryable()) return usage_error(conn.status().message());
    log_event(LogLevel::warn, "reconcile.database_unavailable", {{"error", conn.status().message()}});
  } else if (auto report = migrate(**conn); !report) {
    std::cerr << "c4confd reconcile: migrating the database: " << report.status().message() << "\n";
    return kExitError;
  }

  // Signals are taken by one thread with sigwait: blocked here, before any thread starts, so
  // every thread inherits the mask and none is interrupted in the middle of a pass.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ReconcileLoop loop(config, std::move(source.value()), schemas.value());
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
  auto [host, port] = *listen;
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
      {"interval", "DURATION", "time between polls of the Git source (e.g. 30s, 500ms, 2m), ±10 % jitter; also the "
                               "period of the drift check.", "30s"},
      {"listen", "HOST:PORT", "address of POST /hooks/git, GET /status and GET /metrics (port 0: any free port).",
       "127.0.0.1:9601", false, "C4CONFD_RECONCILE_LISTEN"},
      {"webhook-secret-file", "PATH", "file holding the webhook secret (GitHub X-Hub-Signature-256 HMAC key, GitLab "
                                      "X-Gitlab-Token); else the variable C4CONFD_WEBHOOK_SECRET holds it; without "
                                      "either every hook is refused.", ""},
      {"threads", "N", "validation threads (0: one per core).", "0"},
      {"log-level", "LEVEL", "debug (also logs each standby retry and unchanged pass), info, warn or error.", "info"},
  };
  auto git = git_source_options();
  options.insert(options.end(), git.begin(), git.end());
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
