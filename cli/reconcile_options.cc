#include "cli/reconcile_options.h"

#include "cli/limit_options.h"
#include "cli/notify_options.h"
#include "cli/secret_options.h"
#include "cli/source_options.h"
#include "common/duration.h"
#include "common/log.h"
#include "store/database.h"
#include "store/migrations.h"

namespace c4::cli {
std::vector<OptionSpec> reconcile_loop_options() {
  std::vector<OptionSpec> options = {
      {"interval", "DURATION", "time between polls of the Git source (e.g. 30s, 500ms, 2m), ±10 % jitter; also the "
                               "period of the drift check.", "30s"},
      {"webhook-secret-file", "PATH", "file holding the webhook secret (GitHub X-Hub-Signature-256 HMAC key, GitLab "
                                      "X-Gitlab-Token); else the variable C4CONFD_WEBHOOK_SECRET holds it; without "
                                      "either every hook is refused.", ""},
      {"threads", "N", "validation threads (0: one per core).", "0"},
  };
  auto git = git_source_options();
  options.insert(options.end(), git.begin(), git.end());
  auto notify = notify_options();
  options.insert(options.end(), notify.begin(), notify.end());
  return options;
}

Result<ReconcileSetup> read_reconcile_options(const ParsedOptions& options) {
  ReconcileSetup setup;
  setup.loop.database_url = options.get("database-url");
  if (setup.loop.database_url.empty()) return Status::invalid("--database-url (or C4CONFD_DATABASE_URL) is required");
  setup.loop.redis_url = options.get("redis-url");
  auto interval = parse_duration(options.get("interval"));
  if (!interval) return Status::invalid("--interval: " + interval.status().message());
  setup.loop.interval = *interval;
  if (auto t = options.get("threads"); !t.empty()) {
    if (t.find_first_not_of("0123456789") != std::string::npos || t.size() > 4)
      return Status::invalid("--threads must be a number, not \"" + t + "\"");
    setup.loop.threads = static_cast<unsigned>(std::stoul(t));
  }
  // The loop only validates references (it reads no secret): its directories may be missing.
  auto policy = read_secret_policy(options, SecretPolicy::Dirs::may_be_missing);
  if (!policy) return policy.status();
  setup.loop.secrets = std::move(policy.value());
  auto secret = read_secret_option(options, "webhook-secret-file", "C4CONFD_WEBHOOK_SECRET");
  if (!secret) return secret.status();
  setup.webhook.secret = *secret;
  auto limits = read_limits(options);
  if (!limits) return limits.status();
  setup.loop.limits = *limits;
  auto source = open_revision_source(options);
  if (!source) return source.status();
  if (!options.get("repo").empty()) setup.loop.git_repository = options.get("cache-dir");
  setup.source = std::move(source.value());
  auto schemas = SchemaSet::builtin();
  if (!schemas) return schemas.status();
  setup.schemas = schemas.value();
  auto reporter = read_notify_options(options);
  if (!reporter) return reporter.status();
  setup.reporter = std::move(reporter.value());
  return setup;
}

std::unique_ptr<AttemptReporter> attach_reporter(const ReconcileSetup& setup, ReconcileLoop& loop) {
  auto reporter = std::make_unique<AttemptReporter>(setup.reporter);
  if (!reporter->enabled()) return nullptr;
  loop.on_attempt([r = reporter.get()](const AttemptReport& report) { r->on_attempt(report); });
  log_event(LogLevel::info, "reconcile.reporting",
            {{"git_status", setup.reporter.git_status ? setup.reporter.git_status->repository : ""},
             {"notify_urls", setup.reporter.notify_urls.size()}});
  return reporter;
}

Status migrate_at_start(const std::string& database_url, std::string_view component) {
  auto conn = connect_database(database_url);
  if (!conn) {
    if (!conn.status().retryable()) return conn.status();
    log_event(LogLevel::warn, std::string(component) + ".database_unavailable", {{"error", conn.status().message()}});
    return Status::ok();
  }
  auto report = migrate(**conn);
  if (!report) return report.status().with_context("migrating the database");
  return Status::ok();
}

}  // namespace c4::cli
