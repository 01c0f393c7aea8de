// What the watching loop tells the outside world after each reconcile attempt (the commit
// status on the Git host, notifications): a plain value handed to ReconcileLoop::on_attempt
// listeners on the loop's thread. Listeners only queue work (reconciler/attempt_reporter.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace c4 {

enum class AttemptOutcome {
  pending,     // a new commit is being reconciled now
  applied,     // the commit is live (written by this attempt, or found live already)
  failed,      // refused as invalid, or its apply failed: the live revision stays the old one
  superseded,  // a newer commit of the branch was applied before this one's turn came
};

struct AttemptReport {
  AttemptOutcome outcome = AttemptOutcome::pending;
  std::string commit_id;
  std::optional<int64_t> revision_id;  // the revision row (applied: the live one; failed: the failed one)
  size_t error_count = 0;              // failed: the problems found (at least 1)
  std::string failed_step;             // failed: "validate", "apply", ...
  std::string first_error;             // failed: the first problem, as text (untrusted: manifest text)
  std::string superseded_by;           // superseded: the commit applied instead
  std::vector<std::string> drifted;    // objects edited by hand and corrected by this attempt
  bool pinned = false;                 // the commit was applied because of a pin (ctl pin)
};

// A report of `outcome` for `commit_id`; the caller sets the other fields that apply.
inline AttemptReport attempt_report(AttemptOutcome outcome, std::string commit_id) {
  AttemptReport r;
  r.outcome = outcome;
  r.commit_id = std::move(commit_id);
  return r;
}

}  // namespace c4
