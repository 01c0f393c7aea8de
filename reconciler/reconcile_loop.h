// The watching loop of `c4confd reconcile`: keeps the database (and Redis) on the tip of the Git
// branch, one instance at a time.
//
// Until stop(), each round:
//   1. leader   takes a PostgreSQL session advisory lock on a connection of its own; an
//               instance that does not get it waits one interval and tries again (so it takes
//               over within one interval of the leader's death). The lock connection is
//               checked before every pass; when it is lost the loop stops applying until it
//               holds the lock again.
//   2. fetch    the Git source (RevisionSource::fetch; every fetch is counted).
//   3. load     the branch tip; unchanged blobs come from memory.
//   4. reconcile  reconcile_revision with one FileValidationCache kept across passes (only
//               changed files are parsed again); skipped when the tip is the commit the loop
//               last reconciled and no drift check is due, or the tip was refused as invalid
//               (it is recorded as failed once, not every interval).
//   5. drift    at most once per interval the pass also compares every row with the live
//               revision (PassOptions::check_drift): hand edits are rewritten, counted in
//               stats and in the status row, and logged.
//   6. hand-off the applied listener (on_applied), if any, gets the outcome at once: in
//               `c4confd all` the API compiles its routing snapshot from the catalog the pass
//               validated, without reading PostgreSQL back.
//   7. project  to Redis (when configured) with the previously projected catalog as shortcut,
//               on a thread of its own: the pass only posts its outcome, so neither the
//               hand-off nor the next pass waits for Redis (the first projection of a million
//               numbers takes seconds). The newest posted outcome is projected next; one that
//               a newer outcome replaced before its turn is skipped (the diff against the last
//               projected catalog covers it). A Redis failure keeps the database apply; later
//               passes re-project in full until it succeeds, and a Redis that lost its keys
//               (c4:revision differs) is re-projected in full.
//   8. report   each attempt (a new tip pending, applied, failed, commits superseded by a newer
//               tip) goes to the on_attempt listeners, which only queue deliveries
//               (reconciler/attempt_reporter.h): a slow Git host never delays a pass.
//   9. sleep    the interval ±jitter, or until trigger() or stop().
// Before step 4 the pass reads the controls (store/control_state.h) from PostgreSQL, so
// every instance obeys them: while suspended nothing is applied (the pass is counted as
// "suspended" and logged); while pinned the pinned commit is reconciled instead of the tip
// (it must be on the branch). After each pass the branch tip and how many commits the live one
// is behind it are written to the status row.
// While Git or PostgreSQL fail, the sleep is an exponential backoff instead (initial_backoff
// doubling, capped at the interval), reset by the next pass that runs.
//
// stop() never interrupts a pass: the apply in progress commits or rolls back as a whole (one
// transaction), the projection in progress ends, then run() returns and the lock is released
// (its connection is closed).
//
// Every event is one JSON log line (common/log.h), "reconcile.*".
//
// Thread-safety: run() on one thread; trigger(), stop(), stats() and running() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"
#include "model/schema_set.h"
#include "reconciler/attempt_report.h"
#include "store/control_state.h"
#include "model/validate.h"
#include "reconciler/reconcile_pass.h"
#include "reconciler/reconcile_stats.h"
#include "store/redis_client.h"
#include "reconciler/revision_source.h"

namespace c4 {

// The key of the leader lock (pg_try_advisory_lock(bigint)); advisory locks are per database.
inline constexpr int64_t kReconcilerLeaderLock = 0x6334636f6e6664;  // "c4confd"

struct ReconcileLoopConfig {
  std::string database_url;                       // REQUIRED
  std::string redis_url;                          // empty: no Redis projection
  std::chrono::milliseconds interval{30'000};     // between passes; also the drift-check period
  double jitter = 0.10;                           // each sleep is interval × U[1 - jitter, 1 + jitter]
  std::chrono::milliseconds initial_backoff{1'000};
  unsigned threads = 0;                           // validation threads (0: one per core)
  SecretPolicy secrets;                           // which passwordFrom references validate
  Limits limits;                                  // what a revision may hold (PassOptions::limits)
  // The Git repository the source fetches into (its cache), read for the branch's history
  // (superseded commits, the lag, pins); empty for a directory source, which has none.
  std::filesystem::path git_repository;
};

class ReconcileLoop {
 public:
  // `source` is where revisions come from (Git, or a directory); `schemas` validates them.
  ReconcileLoop(ReconcileLoopConfig config, std::unique_ptr<RevisionSource> source,
                std::shared_ptr<const SchemaSet> schemas);
  ~ReconcileLoop();
  ReconcileLoop(const ReconcileLoop&) = delete;
  ReconcileLoop& operator=(const ReconcileLoop&) = delete;

  // Called on run()'s thread after every pass that validated and found its revision live in
  // PostgreSQL (committed by this pass, or already live): outcome.catalog, ids, revision_id and
  // commit_id are set. It runs before the Redis projection, so nothing there delays it; it
  // should be quick (the loop waits for it) and must not throw (an exception is logged).
  using AppliedListener = std::function<void(const PassOutcome& outcome)>;
  // REQUIRES: before run().
  void on_applied(AppliedListener listener) { applied_listener_ = std::move(listener); }

  // Called on run()'s thread with each attempt's report (see attempt_report.h). Must be quick
  // (queue the work) and must not throw. REQUIRES: before run().
  using AttemptListener = std::function<void(const AttemptReport& report)>;
  void on_attempt(AttemptListener listener) { attempt_listeners_.push_back(std::move(listener)); }

  // Runs rounds until stop() is called, then releases the leader lock and returns. Errors are
  // logged, counted and retried, never thrown. REQUIRES: called at most once.
  void run();

  // Ends the current sleep at once: the next round fetches now. A trigger that arrives during a
  // pass makes the following round start without sleeping.
  void trigger();

  // Asks run() to return after the pass in progress (if any). Idempotent.
  void stop();

  // A copy of the counters (thread-safe, cheap).
  ReconcileStats stats() const;

  // True from the start of run() until just before it returns.
  bool running() const;

 private:
  enum class Leadership { leader, follower, error };
  struct PassResult;

  Leadership ensure_leader();
  void lose_leadership(const std::string& why);
  Status ensure_database();
  PassResult run_pass();
  PassResult reconcile_tip(const DesiredRevision& revision, bool drift_due);
  PassResult reconcile_pinned(const std::string& pin, const std::string& tip, bool drift_due);
  Result<ControlState> read_controls();
  // Writes the branch tip and the live commit's lag behind it (status row, stats).
  void note_branch(const std::string& tip);
  void report(const AttemptReport& report);
  void report_new_tip(const std::string& tip);
  void report_failure(const PassOutcome& outcome, size_t errors, const std::string& first_error);
  PassResult reconcile(const DesiredRevision& revision, bool check_drift);
  Result<std::string> live_commit_id();
  // The branch tip the last pass of any instance recorded (BranchState::tip); "" when none yet
  // or when PostgreSQL cannot say.
  std::string recorded_branch_tip();
  // Posts `outcome` to the projector thread (replacing one not yet started).
  void project(std::shared_ptr<const PassOutcome> outcome);
  void run_projector();
  void project_now(const PassOutcome& outcome);
  // Calls the applied listener (if any); returns the milliseconds it took.
  int64_t hand_off(const PassOutcome& outcome);
  // Sleeps up to `duration` or until trigger()/stop(); false when stopping.
  bool sleep_for(std::chrono::milliseconds duration);
  std::chrono::milliseconds jittered_interval();
  template <typename F>
  void update_stats(F&& f);

  ReconcileLoopConfig config_;
  std::unique_ptr<RevisionSource> source_;
  std::shared_ptr<const SchemaSet> schemas_;
  AppliedListener applied_listener_;
  std::vector<AttemptListener> attempt_listeners_;

  // Used by run()'s thread only.
  std::unique_ptr<pqxx::connection> lock_conn_;  // holds the leader lock while leader
  std::unique_ptr<pqxx::connection> conn_;       // migrations and passes
  std::unique_ptr<RedisClient> redis_;  // the projector thread's
  FileValidationCache validation_cache_;
  std::string reconciled_commit_;    // the tip last reconciled successfully
  std::string refused_commit_;       // the tip last refused as invalid
  std::string last_tip_;             // the tip the last unsuspended pass took up
  bool pinned_pass_ = false;         // the pass in progress reconciles a pin
  bool reporting_ = true;            // false while re-checking the live commit for drift
  bool suspended_ = false;           // as the last pass read it (logs say when it changes)
  std::shared_ptr<const PassOutcome> live_;  // the last successful outcome (catalog, ids) for projecting

  // The projector thread (when Redis is configured): redis_, projected_* are its own.
  std::thread projector_;
  std::mutex project_mutex_;
  std::condition_variable project_wake_;
  std::shared_ptr<const PassOutcome> project_next_;  // posted, not yet started
  bool projector_stopping_ = false;
  std::shared_ptr<const Catalog> projected_catalog_;
  std::string projected_revision_;   // "" when the last projection failed or none ran
  std::chrono::steady_clock::time_point last_drift_check_{};
  int64_t fetch_ms_ = 0, load_ms_ = 0;  // of the current pass, for its log line
  std::mt19937 random_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool triggered_ = false;
  bool stopping_ = false;
  bool running_ = false;
  ReconcileStats stats_;
};

}  // namespace c4
