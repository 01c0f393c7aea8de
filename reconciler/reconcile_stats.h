// What the watching loop has done so far, as numbers: for `c4confd reconcile`'s GET /metrics,
// and appended by the API's /metrics in `all` mode. A plain value: copy it, read it anywhere.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace c4 {

// Upper bounds (seconds) of the reconcile duration histogram; the +Inf bucket is implicit.
inline constexpr std::array<double, 11> kReconcileDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                                      5,    10,  30,   60,  120};

struct ReconcileStats {
  // Passes by how they ended. A pass is one fetch → load → reconcile → project by the leader.
  //   applied    the revision was written (or a hand edit corrected)
  //   unchanged  nothing to write
  //   failed     the revision was refused (invalid) or its apply failed: recorded as failed
  //   error      the pass could not run: Git, PostgreSQL or the leader lock failed
  //   suspended  the reconciler is suspended (reconciler/control_state.h): nothing applied
  uint64_t passes = 0;
  uint64_t applied = 0, unchanged = 0, failed = 0, errors = 0, suspended_passes = 0;
  std::string last_result;    // one of the four words above; "" before the first pass
  std::string last_error;     // "step: message" of the last pass that did not succeed; "" after a success
  double last_duration_seconds = 0;
  // Cumulative histogram of pass durations: duration_buckets[i] counts passes that took at
  // most kReconcileDurationBuckets[i] seconds.
  std::array<uint64_t, kReconcileDurationBuckets.size()> duration_buckets{};
  double duration_sum_seconds = 0;

  std::optional<int64_t> applied_revision_id;  // the live revision row, once known
  std::string applied_commit;                  // its commit id
  uint64_t drift_total = 0;                    // objects found edited by hand and rewritten
  bool leader = false;                         // holds the leader lock now
  uint64_t fetches = 0;                        // Git fetches attempted (webhooks add one each)
  bool projection_current = false;             // Redis holds the projection of the live revision
  // Unix time (seconds) since which a revision has waited for its Redis projection (queued,
  // failing or in progress); 0 when none waits. Rendered as the projection lag.
  double projection_pending_since = 0;
  double last_success_unix = 0;                // Unix time of the last applied/unchanged pass; 0 before
  uint64_t projection_failures = 0;            // Redis projections that failed (retried later)
  bool suspended = false;                      // suspended or pinned, as the last pass read it
  bool pinned = false;                         // a pin holds a past commit live
  std::optional<int64_t> branch_behind;        // commits on the branch after the live one

  // Adds one finished pass: counts it under `result` and in the duration histogram.
  // A success (applied, unchanged) also sets last_success_unix to `now_unix`.
  void record_pass(const std::string& result, double seconds, double now_unix = 0);
};

// The stats as Prometheus text exposition (format 0.0.4), every metric prefixed
// c4confd_reconcile_, with HELP and TYPE lines; ends with a newline.
// `now_unix` (seconds) measures the projection lag.
std::string render_prometheus(const ReconcileStats& stats, double now_unix);
// The same at the system clock's now.
std::string render_prometheus(const ReconcileStats& stats);

// The system clock as Unix seconds.
double unix_now();

}  // namespace c4
