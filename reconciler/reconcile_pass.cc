#include "reconciler/reconcile_pass.h"

#include "store/database.h"
#include "store/live_state.h"
#include "reconciler/projection_size.h"
#include "reconciler/revision_changes.h"

namespace c4 {
namespace {

nlohmann::json problems_json(const Problems& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : problems.items()) out.push_back(p.to_json());
  return out;
}

RevisionRecord record_for(const DesiredRevision& revision, std::chrono::system_clock::time_point started) {
  RevisionRecord r;
  r.commit_id = revision.commit.id;
  r.parent_id = revision.commit.parent;
  r.author = revision.commit.author.empty() ? "" : revision.commit.author + " <" + revision.commit.author_email + ">";
  r.message = revision.commit.message;
  r.source = revision.source;
  r.started_at = started;
  r.finished_at = std::chrono::system_clock::now();
  return r;
}

// Times consecutive steps: lap("plan") records the milliseconds since the previous lap.
class StepClock {
 public:
  explicit StepClock(std::map<std::string, int64_t>& out) : out_(out) {}
  void lap(const std::string& step) {
    auto now = std::chrono::steady_clock::now();
    out_[step] += std::chrono::duration_cast<std::chrono::milliseconds>(now - last_).count();
    last_ = now;
  }

 private:
  std::map<std::string, int64_t>& out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// One pass in progress: its steps as functions, and fail(), the one place a failure is noted;
// finish() writes the failed revision row, after the transaction is gone.
class Pass {
 public:
  Pass(pqxx::connection& conn, const DesiredRevision& revision, const SchemaSet& schemas, const PassOptions& options,
       FileValidationCache* cache)
      : conn_(conn), revision_(revision), schemas_(schemas), options_(options), cache_(cache), clock_(out_.step_ms) {
    out_.commit_id = revision.commit.id;
  }

  PassOutcome run() {
    if (validate()) in_transaction();
    finish();
    return std::move(out_);
  }

 private:
  // Notes that `step` failed with `status`; returns false, for `return fail(...)`.
  bool fail(Step step, Status status) {
    out_.failed_step = step;
    out_.status = std::move(status);
    return false;
  }

  bool validate() {
    ValidationReport report =
        validate_sources(revision_.files, schemas_, options_.threads, cache_, options_.limits, options_.secrets);
    if (report.ok()) check_projection_size(report.catalog, options_.limits, report.problems);
    out_.problems = report.problems;
    clock_.lap("validate");
    if (!report.ok())
      return fail(Step::validate, Status::invalid(std::to_string(report.problems.error_count()) +
                                                  " problems in revision " + revision_.commit.id));
    catalog_ = std::make_shared<const Catalog>(std::move(report.catalog));
    out_.catalog = catalog_;
    return true;
  }

  // Plan and apply, in one transaction that is gone by the time a failure is recorded.
  void in_transaction() {
    try {
      pqxx::work txn(conn_);
      auto live = read_live_objects(txn);
      if (!live) return (void)fail(Step::plan, live.status());
      if (!plan(txn, *live) || options_.dry_run) return;  // a dry run rolls back
      auto status = read_status(txn);
      if (!status) return (void)fail(Step::plan, status.status());
      if (!note_drift(txn) || already_live(*status)) return;
      clock_.lap("plan");
      if (!apply(txn, *live)) return;
      clock_.lap("apply");
      txn.commit();
      clock_.lap("commit");
      out_.revision_id = pending_.revision_id;
      out_.result = pending_.result;
      out_.wrote = !out_.plan.empty();
    } catch (const std::exception& e) {
      fail(out_.failed_step == Step::none ? Step::apply : out_.failed_step,
           database_error(e, "reconciling " + revision_.commit.id));
    }
  }

  bool plan(pqxx::work& txn, LiveObjects& live) {
    if (options_.check_drift && !find_drift(txn, live)) return false;
    auto plan = make_plan(*catalog_, live, [&txn](const std::vector<ObjectKey>& keys) { return read_live_contents(txn, keys); });
    if (!plan) return fail(Step::plan, plan.status());
    out_.plan = std::move(plan.value());
    for (const auto& [key, object] : live) out_.ids[key] = object.id;
    return true;
  }

  // Drift: a row whose content no longer hashes like the manifest it was written from.
  bool find_drift(pqxx::work& txn, LiveObjects& live) {
    auto contents = read_live_contents(txn);
    if (!contents) return fail(Step::plan, contents.status());
    for (auto& [key, object] : live) {
      auto it = contents->find(key);
      if (object.hash == "" || it == contents->end() || content_hash(key.kind, it->second) == object.hash) continue;
      out_.drifted.push_back(key);
      object.hash = "";  // forces an update that rewrites the row and its children
    }
    return true;
  }

  bool note_drift(pqxx::work& txn) {
    if (out_.drifted.empty()) return true;
    nlohmann::json corrected = nlohmann::json::array();
    for (const auto& key : out_.drifted) corrected.push_back(key.display());
    if (auto s = record_drift(txn, corrected); !s) return fail(Step::apply, s);
    return true;
  }

  // True when the revision is live already and nothing changes: nothing is written, not even
  // a revision row.
  bool already_live(const ReconcilerStatus& status) {
    if (!out_.plan.empty() || status.live_commit_id != revision_.commit.id) return false;
    out_.result = RevisionResult::unchanged;
    out_.revision_id = status.live_revision_id;
    return true;
  }

  bool apply(pqxx::work& txn, const LiveObjects& live) {
    auto applied = apply_plan(txn, *catalog_, out_.plan, live);
    if (!applied) return fail(Step::apply, applied.status());
    out_.ids = std::move(applied->ids);
    RevisionRecord r = record_for(revision_, started_);
    r.result = out_.plan.empty() ? RevisionResult::unchanged : RevisionResult::applied;
    r.counts = plan_counts_json(out_.plan);  // not plan_to_json: rendering every change costs seconds at 1M numbers
    auto id = record_revision(txn, r);
    if (!id) return fail(Step::apply, id.status());
    // What changed, object by object (names and field paths only: as cheap as the counts).
    if (auto s = record_revision_changes(txn, *id, out_.plan); !s) return fail(Step::apply, s);
    pending_ = {*id, r.result};  // the outcome's once committed
    return true;
  }

  // A revision that did not validate, or failed to apply, leaves a failed revision row (a
  // failed plan is a failure to read, not a verdict on the revision: no row).
  void finish() {
    bool recorded = out_.failed_step == Step::validate || out_.failed_step == Step::apply;
    if (out_.status.is_ok() || !recorded || options_.dry_run) return;
    RevisionRecord r = record_for(revision_, started_);
    r.result = RevisionResult::failed;
    r.failed_step = std::string(step_name(out_.failed_step));
    r.errors = out_.failed_step == Step::validate
                   ? problems_json(out_.problems)
                   : nlohmann::json::array({{{"severity", "error"}, {"message", out_.status.message()}}});
    if (auto id = record_failed_revision(conn_, r)) out_.revision_id = *id;
  }

  pqxx::connection& conn_;
  const DesiredRevision& revision_;
  const SchemaSet& schemas_;
  const PassOptions& options_;
  FileValidationCache* cache_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
  PassOutcome out_;
  StepClock clock_;
  std::shared_ptr<const Catalog> catalog_;
  struct {
    int64_t revision_id = 0;
    RevisionResult result = RevisionResult::failed;
  } pending_;
};

}  // namespace

std::string_view step_name(Step step) {
  switch (step) {
    case Step::none: return "";
    case Step::validate: return "validate";
    case Step::plan: return "plan";
    case Step::apply: return "apply";
  }
  return "";
}

PassOutcome reconcile_revision(pqxx::connection& conn, const DesiredRevision& revision, const SchemaSet& schemas,
                               const PassOptions& options, FileValidationCache* cache) {
  return Pass(conn, revision, schemas, options, cache).run();
}

}  // namespace c4
