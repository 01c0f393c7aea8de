#include "reconciler/reconcile_pass.h"

#include "reconciler/database.h"
#include "reconciler/live_state.h"
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

}  // namespace

PassOutcome reconcile_revision(pqxx::connection& conn, const DesiredRevision& revision, const SchemaSet& schemas,
                               const PassOptions& options, FileValidationCache* cache) {
  auto started = std::chrono::system_clock::now();
  PassOutcome out;
  out.commit_id = revision.commit.id;
  StepClock clock(out.step_ms);

  // validate
  ValidationReport report =
      validate_sources(revision.files, schemas, options.threads, cache, options.limits, options.secrets);
  if (report.ok()) check_projection_size(report.catalog, options.limits, report.problems);
  out.problems = report.problems;
  clock.lap("validate");
  if (!report.ok()) {
    out.failed_step = "validate";
    out.status = Status::invalid(std::to_string(report.problems.error_count()) + " problems in revision " +
                                 revision.commit.id);
    if (!options.dry_run) {
      RevisionRecord r = record_for(revision, started);
      r.result = RevisionResult::failed;
      r.failed_step = out.failed_step;
      r.errors = problems_json(report.problems);
      auto id = record_failed_revision(conn, r);
      if (id) out.revision_id = *id;
    }
    return out;
  }
  auto catalog = std::make_shared<const Catalog>(std::move(report.catalog));
  out.catalog = catalog;

  // plan and apply, in one transaction that is gone by the time a failure is recorded
  [&] {
    try {
      pqxx::work txn(conn);
      // plan
      auto live = read_live_objects(txn);
      if (!live) {
        out.failed_step = "plan";
        out.status = live.status();
        return;
      }
      if (options.check_drift) {
        // drift: a row whose content no longer hashes like the manifest it was written from.
        auto contents = read_live_contents(txn);
        if (!contents) {
          out.failed_step = "plan";
          out.status = contents.status();
          return;
        }
        for (auto& [key, object] : *live) {
          auto it = contents->find(key);
          if (object.hash == "" || it == contents->end() || content_hash(key.kind, it->second) == object.hash) continue;
          out.drifted.push_back(key);
          object.hash = "";  // forces an update that rewrites the row and its children
        }
      }
      auto plan = make_plan(*catalog, *live, [&txn](const std::vector<ObjectKey>& keys) { return read_live_contents(txn, keys); });
      if (!plan) {
        out.failed_step = "plan";
        out.status = plan.status();
        return;
      }
      out.plan = std::move(plan.value());
      for (const auto& [key, object] : *live) out.ids[key] = object.id;
      if (options.dry_run) return;  // the transaction rolls back

      auto status = read_status(txn);
      if (!status) {
        out.failed_step = "plan";
        out.status = status.status();
        return;
      }
      if (!out.drifted.empty()) {
        nlohmann::json corrected = nlohmann::json::array();
        for (const auto& key : out.drifted) corrected.push_back(key.display());
        if (auto s = record_drift(txn, corrected); !s) {
          out.failed_step = "apply";
          out.status = s;
          return;
        }
      }
      if (out.plan.empty() && status->live_commit_id == revision.commit.id) {
        out.result = RevisionResult::unchanged;
        out.revision_id = status->live_revision_id;
        return;  // nothing to write, not even a revision row
      }

      clock.lap("plan");
      // apply
      auto applied = apply_plan(txn, *catalog, out.plan, *live);
      if (!applied) {
        out.failed_step = "apply";
        out.status = applied.status();
        return;
      }
      out.ids = std::move(applied->ids);

      // report
      RevisionRecord r = record_for(revision, started);
      r.result = out.plan.empty() ? RevisionResult::unchanged : RevisionResult::applied;
      r.counts = plan_counts_json(out.plan);  // not plan_to_json: rendering every change costs seconds at 1M numbers
      auto id = record_revision(txn, r);
      if (!id) {
        out.failed_step = "apply";
        out.status = id.status();
        return;
      }
      // What changed, object by object (names and field paths only: as cheap as the counts).
      if (auto s = record_revision_changes(txn, *id, out.plan); !s) {
        out.failed_step = "apply";
        out.status = s;
        return;
      }
      clock.lap("apply");
      txn.commit();
      clock.lap("commit");
      out.revision_id = *id;
      out.result = r.result;
      out.wrote = !out.plan.empty();
      return;
    } catch (const std::exception& e) {
      out.failed_step = out.failed_step.empty() ? "apply" : out.failed_step;
      out.status = database_error(e, "reconciling " + revision.commit.id);
      return;
    }
  }();

  if (!out.status.is_ok() && out.failed_step == "apply" && !options.dry_run) {
    RevisionRecord r = record_for(revision, started);
    r.result = RevisionResult::failed;
    r.failed_step = out.failed_step;
    r.errors = nlohmann::json::array({{{"severity", "error"}, {"message", out.status.message()}}});
    if (auto id = record_failed_revision(conn, r)) out.revision_id = *id;
  }
  return out;
}

}  // namespace c4
