#include "reconciler/reconcile_loop.h"

#include <algorithm>

#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "store/database.h"
#include "store/migrations.h"
#include "reconciler/git_history.h"
#include "reconciler/outcome_projection.h"
#include "reconciler/redis_projection.h"
#include "store/revision_log.h"

namespace c4 {
namespace {

constexpr int kProjectorNice = 10;  // nice value of the projector thread

}  // namespace

// How a pass ended, for the stats and for choosing the next sleep.
struct ReconcileLoop::PassResult {
  std::string result;   // "applied", "unchanged", "failed" or "error" (see ReconcileStats)
  std::string step;     // the failed step: "leader", "fetch", "load", "connect", "validate", ...
  Status status;
  bool backoff = false;  // Git or PostgreSQL failed: retry with backoff, not after an interval

  static PassResult error(std::string step, Status status) { return {"error", std::move(step), std::move(status), true}; }
  // The tip was refused earlier: recorded once, not again; no backoff (only a new commit helps).
  static PassResult refused(const std::string& tip) {
    return {"failed", "validate", Status::invalid("commit " + tip + " was refused as invalid"), false};
  }
};

ReconcileLoop::ReconcileLoop(ReconcileLoopConfig config, std::unique_ptr<RevisionSource> source,
                             std::shared_ptr<const SchemaSet> schemas)
    : config_(std::move(config)), source_(std::move(source)), schemas_(std::move(schemas)),
      random_(std::random_device{}()) {}

ReconcileLoop::~ReconcileLoop() = default;

template <typename F>
void ReconcileLoop::update_stats(F&& f) {
  std::lock_guard lock(mutex_);
  f(stats_);
}

ReconcileStats ReconcileLoop::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool ReconcileLoop::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void ReconcileLoop::trigger() {
  {
    std::lock_guard lock(mutex_);
    triggered_ = true;
  }
  wake_.notify_all();
}

void ReconcileLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool ReconcileLoop::sleep_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stopping_ || triggered_; });
  triggered_ = false;
  return !stopping_;
}

std::chrono::milliseconds ReconcileLoop::jittered_interval() {
  // Jitter keeps replicas started together from polling the Git host in lockstep.
  std::uniform_real_distribution<double> factor(1.0 - config_.jitter, 1.0 + config_.jitter);
  auto ms = static_cast<int64_t>(static_cast<double>(config_.interval.count()) * factor(random_));
  return std::chrono::milliseconds(std::max<int64_t>(ms, 1));
}

void ReconcileLoop::run() {
  {
    std::lock_guard lock(mutex_);
    running_ = true;
  }
  log_event(LogLevel::info, "reconcile.started",
            {{"interval_ms", config_.interval.count()}, {"redis", !config_.redis_url.empty()}});
  if (!config_.redis_url.empty()) projector_ = std::thread([this] { run_projector(); });
  const auto first_backoff = std::min(config_.initial_backoff, config_.interval);
  auto backoff = first_backoff;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    auto leadership = ensure_leader();
    if (leadership == Leadership::follower) {
      if (!sleep_for(jittered_interval())) break;
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    PassResult pass = leadership == Leadership::leader
                          ? run_pass()
                          : PassResult::error("leader", Status::unavailable("the leader lock could not be checked"));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    update_stats([&](ReconcileStats& s) {
      s.record_pass(pass.result, seconds, unix_now());
      s.last_error = pass.status ? "" : pass.step + ": " + pass.status.message();
    });
    if (!pass.status)
      log_event(pass.backoff ? LogLevel::warn : LogLevel::error, "reconcile.pass_failed",
                {{"step", pass.step}, {"error", pass.status.message()}, {"seconds", seconds}});
    if (pass.backoff) {
      log_event(LogLevel::info, "reconcile.backoff", {{"ms", backoff.count()}});
      if (!sleep_for(backoff)) break;
      backoff = std::min(backoff * 2, config_.interval);
      continue;
    }
    backoff = first_backoff;
    if (!sleep_for(jittered_interval())) break;
  }
  log_event(LogLevel::info, "reconcile.stopping", {{"leader", lock_conn_ != nullptr}});
  if (projector_.joinable()) {
    {
      std::lock_guard lock(project_mutex_);
      projector_stopping_ = true;
    }
    project_wake_.notify_all();
    projector_.join();  // the projection in progress ends; one not started is dropped
  }
  // Closing the session releases the advisory lock at once: a standby takes over at its next try.
  lock_conn_.reset();
  conn_.reset();
  redis_.reset();
  update_stats([](ReconcileStats& s) { s.leader = false; });
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  log_event(LogLevel::info, "reconcile.stopped");
}

// ---- leader lock ------------------------------------------------------------------------

void ReconcileLoop::lose_leadership(const std::string& why) {
  if (lock_conn_) log_event(LogLevel::warn, "reconcile.leader_lost", {{"reason", why}});
  lock_conn_.reset();
  conn_.reset();  // a new leader may have changed everything: start afresh
  reconciled_commit_.clear();
  update_stats([](ReconcileStats& s) { s.leader = false; });
}

ReconcileLoop::Leadership ReconcileLoop::ensure_leader() {
  if (lock_conn_) {
    try {
      // The session lock lives exactly as long as this session; a query proves it still does.
      pqxx::nontransaction(*lock_conn_).exec("SELECT 1");
      return Leadership::leader;
    } catch (const std::exception& e) {
      lose_leadership(database_error(e, "checking the leader lock connection").message());
    }
  }
  auto conn = connect_database(config_.database_url);
  if (!conn) {
    log_event(LogLevel::warn, "reconcile.lock_failed", {{"error", conn.status().message()}});
    return Leadership::error;
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  // libpqxx 6 silently reconnects a broken connection; a new session would not hold the lock.
  (*conn)->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  try {
    pqxx::nontransaction txn(**conn);
    bool got = txn.exec_params1("SELECT pg_try_advisory_lock($1)", kReconcilerLeaderLock)[0].as<bool>();
    if (!got) {
      update_stats([](ReconcileStats& s) { s.leader = false; });
      log_event(LogLevel::debug, "reconcile.standby", {{"reason", "another instance holds the leader lock"}});
      return Leadership::follower;
    }
  } catch (const std::exception& e) {
    log_event(LogLevel::warn, "reconcile.lock_failed", {{"error", database_error(e, "taking the leader lock").message()}});
    return Leadership::error;
  }
  lock_conn_ = std::move(conn.value());
  update_stats([](ReconcileStats& s) { s.leader = true; });
  log_event(LogLevel::info, "reconcile.leader_acquired", {{"backend_pid", lock_conn_->backendpid()}});
  return Leadership::leader;
}

// ---- one pass ---------------------------------------------------------------------------

Status ReconcileLoop::ensure_database() {
  if (conn_ && conn_->is_open()) return Status::ok();
  conn_.reset();
  auto conn = connect_database(config_.database_url);
  if (!conn) return conn.status();
  auto migrated = migrate(**conn);
  if (!migrated) return migrated.status();
  if (!migrated->applied.empty())
    log_event(LogLevel::info, "reconcile.migrated", {{"applied", migrated->applied}});
  conn_ = std::move(conn.value());
  return Status::ok();
}

Result<std::string> ReconcileLoop::live_commit_id() {
  try {
    pqxx::read_transaction txn(*conn_);
    auto status = read_status(txn);
    if (!status) return status.status();
    return status->live_commit_id;
  } catch (const std::exception& e) {
    return database_error(e, "reading the live revision");
  }
}

std::string ReconcileLoop::recorded_branch_tip() {
  if (!conn_) return "";
  try {
    pqxx::read_transaction txn(*conn_);
    auto branch = read_branch(txn);
    return branch ? branch->tip : "";
  } catch (const std::exception& e) {
    log_event(LogLevel::warn, "reconcile.branch_unreadable", {{"error", database_error(e, "reading the branch tip").message()}});
    return "";
  }
}

ReconcileLoop::PassResult ReconcileLoop::run_pass() {
  update_stats([](ReconcileStats& s) { ++s.fetches; });
  auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
  };
  auto started = std::chrono::steady_clock::now();
  if (auto s = source_->fetch(); !s) return PassResult::error("fetch", s);
  fetch_ms_ = since(started);
  started = std::chrono::steady_clock::now();
  auto revision = source_->load();
  load_ms_ = since(started);
  if (!revision) return PassResult::error("load", revision.status());
  if (auto s = ensure_database(); !s) return PassResult::error("connect", s);

  auto now = std::chrono::steady_clock::now();
  bool drift_due = last_drift_check_ == std::chrono::steady_clock::time_point{} ||
                   now - last_drift_check_ >= config_.interval;
  // The controls are read from PostgreSQL at every pass: a suspend given to any instance (or
  // before a restart) holds for all of them.
  auto controls = read_controls();
  if (!controls) return PassResult::error("connect", controls.status());
  if (controls->suspended != suspended_)
    log_event(LogLevel::warn, controls->suspended ? "reconcile.suspended" : "reconcile.resumed",
              {{"reason", controls->reason}, {"pinned_commit", controls->pinned_commit_id}});
  suspended_ = controls->suspended;
  update_stats([&](ReconcileStats& s) {
    s.suspended = controls->suspended;
    s.pinned = !controls->pinned_commit_id.empty();
  });
  const std::string& tip = revision->commit.id;
  PassResult result;
  if (!controls->pinned_commit_id.empty()) {
    result = reconcile_pinned(controls->pinned_commit_id, tip, drift_due);
  } else if (controls->suspended) {
    log_event(LogLevel::info, "reconcile.skipped_suspended",
              {{"tip", tip}, {"since", controls->suspended_at}, {"reason", controls->reason}});
    result = {"suspended", "", Status::ok(), false};
  } else {
    result = reconcile_tip(*revision, drift_due);
  }
  note_branch(tip);
  return result;
}

ReconcileLoop::PassResult ReconcileLoop::reconcile_tip(const DesiredRevision& revision, bool drift_due) {
  const std::string& tip = revision.commit.id;
  if (tip == refused_commit_) {
    // The invalid tip is already recorded as failed; keep the live revision free of drift.
    if (!drift_due) return PassResult::refused(tip);
    auto live_commit = live_commit_id();
    if (!live_commit) return PassResult::error("connect", live_commit.status());
    if (live_commit->empty() || live_commit->rfind("dir:", 0) == 0) return PassResult::refused(tip);  // no Git commit to load
    auto live = source_->load(*live_commit);
    if (!live) return PassResult::error("load", live.status().with_context("loading the live commit for the drift check"));
    // Re-checking the live commit is no new attempt: nothing to report (it would read as a
    // recovery while the tip is still refused). Drift it corrects is logged and counted.
    reporting_ = false;
    PassResult checked = reconcile(*live, true);
    reporting_ = true;
    if (checked.status) checked = PassResult::refused(tip);
    return checked;
  }
  if (tip == reconciled_commit_ && !drift_due) {
    if (live_) project(live_);  // catches Redis up if it failed or lost its keys
    return {"unchanged", "", Status::ok(), false};
  }
  report_new_tip(tip);
  return reconcile(revision, drift_due);
}

ReconcileLoop::PassResult ReconcileLoop::reconcile_pinned(const std::string& pin, const std::string& tip,
                                                          bool drift_due) {
  if (pin == reconciled_commit_ && !drift_due) return {"unchanged", "", Status::ok(), false};
  if (pin == refused_commit_ && !drift_due) return PassResult::refused(pin);
  // Only a commit the branch went through may be pinned: a rollback, not a side door.
  if (config_.git_repository.empty())
    return {"failed", "pin", Status::invalid("the source is a directory: it has no past commit to pin"), false};
  if (auto on_branch = commits_after(config_.git_repository, pin, tip, 0); !on_branch) {
    log_event(LogLevel::error, "reconcile.pin_refused", {{"commit", pin}, {"error", on_branch.status().message()}});
    return {"failed", "pin", on_branch.status(), false};
  }
  auto revision = source_->load(pin);
  if (!revision) return PassResult::error("load", revision.status().with_context("loading pinned commit " + pin));
  log_event(pin == reconciled_commit_ ? LogLevel::debug : LogLevel::info, "reconcile.pinned", {{"commit", pin}, {"tip", tip}});
  pinned_pass_ = true;
  PassResult result = reconcile(*revision, drift_due);
  pinned_pass_ = false;
  return result;
}

Result<ControlState> ReconcileLoop::read_controls() {
  try {
    pqxx::read_transaction txn(*conn_);
    return read_control(txn);
  } catch (const std::exception& e) {
    conn_.reset();
    return database_error(e, "reading the reconciler's controls");
  }
}

void ReconcileLoop::note_branch(const std::string& tip) {
  if (!conn_) return;  // lost during the pass: the next one writes it
  std::optional<int64_t> behind;
  auto live = live_commit_id();
  if (live && !live->empty() && !config_.git_repository.empty()) {
    size_t total = 0;
    if (commits_after(config_.git_repository, *live, tip, 0, &total)) behind = static_cast<int64_t>(total);
  }
  try {
    pqxx::work txn(*conn_);
    if (auto s = record_branch_tip(txn, tip, behind); !s) throw std::runtime_error(s.message());
    txn.commit();
  } catch (const std::exception& e) {
    log_event(LogLevel::warn, "reconcile.branch_not_recorded", {{"error", e.what()}});
  }
  update_stats([&](ReconcileStats& s) { s.branch_behind = behind; });
}

// ---- reports ----------------------------------------------------------------------------

void ReconcileLoop::report(const AttemptReport& report) {
  if (!reporting_) return;
  for (const auto& listener : attempt_listeners_) {
    try {
      listener(report);
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "reconcile.report_failed", {{"commit", report.commit_id}, {"error", e.what()}});
    }
  }
}

void ReconcileLoop::report_failure(const PassOutcome& outcome, size_t errors, const std::string& first_error) {
  AttemptReport r = attempt_report(AttemptOutcome::failed, outcome.commit_id);
  r.revision_id = outcome.revision_id;
  r.error_count = errors;
  r.failed_step = std::string(step_name(outcome.failed_step));
  r.first_error = first_error;
  r.pinned = pinned_pass_;
  report(r);
}

void ReconcileLoop::report_new_tip(const std::string& tip) {
  constexpr size_t kMaxSuperseded = 20;  // a push of hundreds of commits reports the newest
  if (tip == last_tip_) return;
  // The first tip of this process (a restart, or a takeover from another instance) follows the
  // tip the last pass of any instance recorded: commits pushed while none ran are reported too.
  const std::string base = last_tip_.empty() ? recorded_branch_tip() : last_tip_;
  if (!base.empty() && base != tip && !config_.git_repository.empty()) {
    // The commits pushed after the last tip taken up and before this one never had a pass.
    auto between = commits_after(config_.git_repository, base, tip, kMaxSuperseded + 1);
    if (between)
      for (const auto& id : *between)
        if (id != tip) {
          AttemptReport superseded = attempt_report(AttemptOutcome::superseded, id);
          superseded.superseded_by = tip;
          report(superseded);
        }
  }
  report(attempt_report(AttemptOutcome::pending, tip));
  last_tip_ = tip;
}

ReconcileLoop::PassResult ReconcileLoop::reconcile(const DesiredRevision& revision, bool check_drift) {
  PassOptions options;
  options.check_drift = check_drift;
  options.threads = config_.threads;
  options.secrets = config_.secrets;
  options.limits = config_.limits;
  auto started = std::chrono::steady_clock::now();
  PassOutcome outcome = reconcile_revision(*conn_, revision, *schemas_, options, &validation_cache_);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (!outcome.status) {
    if (outcome.failed_step == Step::validate) {
      refused_commit_ = outcome.commit_id;
      log_event(LogLevel::error, "reconcile.refused",
                {{"commit", outcome.commit_id},
                 {"errors", outcome.problems.error_count()},
                 {"revision", outcome.revision_id.value_or(0)},
                 {"first_error", outcome.problems.items().empty() ? "" : outcome.problems.items().front().to_text()}});
      report_failure(outcome, std::max<size_t>(outcome.problems.error_count(), 1),
                     outcome.problems.items().empty() ? outcome.status.message()
                                                      : outcome.problems.items().front().to_text());
      return {"failed", "validate", outcome.status, false};
    }
    if (outcome.revision_id)  // recorded as failed (the apply failed); not a lost connection
      report_failure(outcome, 1, outcome.status.message());
    if (outcome.status.retryable()) conn_.reset();  // may be broken: reconnect next time
    return {outcome.revision_id ? "failed" : "error", std::string(step_name(outcome.failed_step)), outcome.status, true};
  }
  if (check_drift) last_drift_check_ = std::chrono::steady_clock::now();
  reconciled_commit_ = outcome.commit_id;

  bool corrected = !outcome.drifted.empty();
  if (corrected) {
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& key : outcome.drifted) objects.push_back(key.display());
    log_event(LogLevel::warn, "reconcile.drift_corrected", {{"count", outcome.drifted.size()}, {"objects", objects}});
  }
  int64_t handoff_ms = hand_off(outcome);
  auto counts = plan_counts_json(outcome.plan);
  log_event(outcome.wrote ? LogLevel::info : LogLevel::debug,
            outcome.result == RevisionResult::applied ? "reconcile.applied" : "reconcile.unchanged",
            {{"commit", outcome.commit_id},
             {"revision", outcome.revision_id.value_or(0)},
             {"drift_checked", check_drift},
             {"fetch_ms", fetch_ms_},
             {"load_ms", load_ms_},
             {"reconcile_ms", ms},
             {"steps_ms", outcome.step_ms},
             {"handoff_ms", handoff_ms},
             {"counts", counts}});
  update_stats([&](ReconcileStats& s) {
    s.drift_total += outcome.drifted.size();
    s.applied_revision_id = outcome.revision_id;
    s.applied_commit = outcome.commit_id;
  });

  AttemptReport done = attempt_report(AttemptOutcome::applied, outcome.commit_id);
  done.revision_id = outcome.revision_id;
  done.pinned = pinned_pass_;
  for (const auto& key : outcome.drifted) done.drifted.push_back(key.display());
  report(done);

  outcome.plan = Plan{};  // not needed any more, and large for a big first apply
  outcome.problems = Problems{};
  bool applied = outcome.wrote || corrected;
  live_ = std::make_shared<const PassOutcome>(std::move(outcome));
  project(live_);
  return {applied ? "applied" : "unchanged", "", Status::ok(), false};
}

int64_t ReconcileLoop::hand_off(const PassOutcome& outcome) {
  if (!applied_listener_ || !outcome.catalog || !outcome.revision_id) return 0;
  auto started = std::chrono::steady_clock::now();
  try {
    applied_listener_(outcome);
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "reconcile.handoff_failed", {{"commit", outcome.commit_id}, {"error", e.what()}});
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
}

// ---- Redis ------------------------------------------------------------------------------

void ReconcileLoop::project(std::shared_ptr<const PassOutcome> outcome) {
  if (config_.redis_url.empty() || !outcome->catalog) return;
  {
    std::lock_guard lock(project_mutex_);
    project_next_ = std::move(outcome);
  }
  // Waiting from now, unless an earlier revision already waits (the lag counts from the first).
  update_stats([](ReconcileStats& st) {
    if (st.projection_pending_since == 0) st.projection_pending_since = unix_now();
  });
  project_wake_.notify_all();
}

void ReconcileLoop::run_projector() {
  // Background work: the passes, the hand-off and the API's requests come first when the cores
  // are busy (the first projection of a million numbers takes seconds of CPU). Per-thread on
  // Linux; failure only leaves the default priority.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kProjectorNice);
  for (;;) {
    std::shared_ptr<const PassOutcome> next;
    {
      std::unique_lock lock(project_mutex_);
      project_wake_.wait(lock, [this] { return projector_stopping_ || project_next_; });
      if (projector_stopping_) return;
      next = std::move(project_next_);
      project_next_.reset();
    }
    project_now(*next);
  }
}

void ReconcileLoop::project_now(const PassOutcome& outcome) {
  std::string want = projection_revision_id(outcome);
  auto failed = [&](const Status& s) {
    projected_revision_.clear();  // the next pass re-projects in full
    projected_catalog_.reset();
    update_stats([](ReconcileStats& st) {
      st.projection_current = false;
      ++st.projection_failures;
    });
    log_event(LogLevel::warn, "reconcile.projection_failed",
              {{"revision", want}, {"error", s.message()}, {"note", "the database apply stands; retried next pass"}});
  };
  if (!redis_) {
    auto client = RedisClient::connect(config_.redis_url);
    if (!client) return failed(client.status());
    redis_ = std::move(client.value());
  }
  if (projected_revision_ == want) {
    // Already projected: only make sure Redis still has it (a restart may have emptied it).
    auto current = redis_->command({"GET", "c4:revision"});
    if (!current) return failed(current.status());
    if (current->type == RedisReply::Type::string && current->str == want) {
      update_stats([](ReconcileStats& st) { st.projection_pending_since = 0; });
      return;
    }
    log_event(LogLevel::warn, "reconcile.projection_lost", {{"expected", want}, {"found", current->str}});
    projected_revision_.clear();
    projected_catalog_.reset();
  }
  ProjectionInput input = projection_input(outcome);
  if (projected_catalog_) {
    input.previous = projected_catalog_.get();
    input.previous_revision = projected_revision_;
  }
  auto started = std::chrono::steady_clock::now();
  auto stats = project_to_redis(*redis_, input);
  if (!stats) return failed(stats.status());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  projected_catalog_ = outcome.catalog;
  projected_revision_ = want;
  update_stats([](ReconcileStats& st) {
    st.projection_current = true;
    st.projection_pending_since = 0;
  });
  log_event(LogLevel::info, "reconcile.projected",
            {{"revision", want},
             {"written", stats->keys_written},
             {"deleted", stats->keys_deleted},
             {"unchanged", stats->unchanged},
             {"full", stats->full_resync},
             {"ms", ms}});
}

}  // namespace c4
