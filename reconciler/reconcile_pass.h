// One reconcile of a desired revision against the database, as a sequence of named steps:
// load → validate → plan → apply (one transaction, with the revision row) → report.
// Each failure names its step; `unavailable` failures are worth retrying, the others are not.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "common/status.h"
#include "model/schema_set.h"
#include "model/validate.h"
#include "reconciler/apply.h"
#include "reconciler/plan.h"
#include "store/revision_log.h"
#include "reconciler/revision_source.h"

namespace c4 {

// The steps of a pass that can fail, in order. A pass that did not fail is at Step::none.
enum class Step { none, validate, plan, apply };
// "validate", "plan", "apply" (what revision rows, logs and the API call the step); "" for none.
std::string_view step_name(Step step);

struct PassOutcome {
  RevisionResult result = RevisionResult::failed;
  std::string commit_id;
  Step failed_step = Step::none;
  Status status;                 // why it failed
  std::optional<int64_t> revision_id;  // row written, if any
  bool wrote = false;            // configuration rows changed
  Plan plan;
  Problems problems;
  std::vector<ObjectKey> drifted;  // objects found edited by hand (check_drift)
  IdMap ids;                     // database ids of every desired object (after a successful pass)
  std::shared_ptr<const Catalog> catalog;  // the desired catalog (when it validated)
  // Milliseconds spent in each step that ran, for the pass's log line: "validate", "plan"
  // (live rows read and compared), "apply" (rows written, revision row), "commit".
  std::map<std::string, int64_t> step_ms;
};

struct PassOptions {
  bool dry_run = false;       // plan only: roll back instead of committing
  // Also compare every live row's content with the revision (reads every row, DID numbers
  // included): rows edited by hand are rewritten and counted as drift.
  bool check_drift = false;
  unsigned threads = 0;
  // Which passwordFrom references the revision may make (model/secret_policy.h); a refused one
  // fails validation like any other error.
  SecretPolicy secrets;
  // What a revision may hold (model/limits.h); going over one fails the validate step. The
  // file and revision byte limits are the revision source's (RevisionSource::open_*).
  Limits limits;
};

// Reconciles `revision` into the database reached by `conn`. A revision that does not
// validate writes nothing but its failed revision row. Applying the revision that is already
// live writes nothing at all. Never throws.
PassOutcome reconcile_revision(pqxx::connection& conn, const DesiredRevision& revision, const SchemaSet& schemas,
                               const PassOptions& options, FileValidationCache* cache = nullptr);

}  // namespace c4
