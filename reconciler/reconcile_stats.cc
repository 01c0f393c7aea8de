#include "reconciler/reconcile_stats.h"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace c4 {
namespace {

// Prometheus label values escape backslash, double quote and newline.
std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// The shortest text that reads back as `v` ("0.05", not "0.050000000000000003").
std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP c4confd_reconcile_") + name + " " + help + "\n";
  out += std::string("# TYPE c4confd_reconcile_") + name + " " + type + "\n";
}

}  // namespace

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void ReconcileStats::record_pass(const std::string& result, double seconds, double now_unix) {
  ++passes;
  if (result == "applied" || result == "unchanged") last_success_unix = now_unix;
  if (result == "applied") ++applied;
  else if (result == "unchanged") ++unchanged;
  else if (result == "failed") ++failed;
  else if (result == "suspended") ++suspended_passes;
  else ++errors;
  last_result = result;
  last_duration_seconds = seconds;
  duration_sum_seconds += seconds;
  for (size_t i = 0; i < kReconcileDurationBuckets.size(); ++i)
    if (seconds <= kReconcileDurationBuckets[i]) ++duration_buckets[i];
}

std::string render_prometheus(const ReconcileStats& s) { return render_prometheus(s, unix_now()); }

std::string render_prometheus(const ReconcileStats& s, double now_unix) {
  std::string out;
  header(out, "duration_seconds", "histogram", "Duration of reconcile passes (fetch, load, apply, project).");
  for (size_t i = 0; i < kReconcileDurationBuckets.size(); ++i)
    out += "c4confd_reconcile_duration_seconds_bucket{le=\"" + number(kReconcileDurationBuckets[i]) + "\"} " +
           std::to_string(s.duration_buckets[i]) + "\n";
  out += "c4confd_reconcile_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(s.passes) + "\n";
  out += "c4confd_reconcile_duration_seconds_sum " + number(s.duration_sum_seconds) + "\n";
  out += "c4confd_reconcile_duration_seconds_count " + std::to_string(s.passes) + "\n";

  header(out, "passes_total", "counter", "Reconcile passes by result (applied, unchanged, failed, error, suspended).");
  for (auto [result, count] : {std::pair{"applied", s.applied}, {"unchanged", s.unchanged}, {"failed", s.failed},
                               {"error", s.errors}, {"suspended", s.suspended_passes}})
    out += std::string("c4confd_reconcile_passes_total{result=\"") + result + "\"} " + std::to_string(count) + "\n";

  header(out, "last_duration_seconds", "gauge", "Duration of the last reconcile pass.");
  out += "c4confd_reconcile_last_duration_seconds " + number(s.last_duration_seconds) + "\n";

  header(out, "last_success", "gauge", "1 when the last pass applied or found nothing to change, else 0.");
  out += std::string("c4confd_reconcile_last_success ") +
         (s.last_result == "applied" || s.last_result == "unchanged" ? "1" : "0") + "\n";

  header(out, "last_success_timestamp_seconds", "gauge",
         "Unix time of the last pass that applied or found nothing to change; 0 before the first.");
  out += "c4confd_reconcile_last_success_timestamp_seconds " + number(s.last_success_unix) + "\n";

  header(out, "applied_revision_info", "gauge", "The live revision (row id and commit); always 1.");
  if (s.applied_revision_id)
    out += "c4confd_reconcile_applied_revision_info{revision=\"" + std::to_string(*s.applied_revision_id) +
           "\",commit=\"" + label_value(s.applied_commit) + "\"} 1\n";

  header(out, "drift_total", "counter", "Objects found edited by hand in the database and rewritten.");
  out += "c4confd_reconcile_drift_total " + std::to_string(s.drift_total) + "\n";

  header(out, "is_leader", "gauge", "1 when this instance holds the leader lock and applies, else 0.");
  out += std::string("c4confd_reconcile_is_leader ") + (s.leader ? "1" : "0") + "\n";

  header(out, "fetches_total", "counter", "Git fetches attempted.");
  out += "c4confd_reconcile_fetches_total " + std::to_string(s.fetches) + "\n";

  header(out, "redis_projection_current", "gauge", "1 when Redis holds the projection of the live revision.");
  out += std::string("c4confd_reconcile_redis_projection_current ") + (s.projection_current ? "1" : "0") + "\n";

  header(out, "redis_projection_lag_seconds", "gauge",
         "Seconds the live revision has waited for its Redis projection; 0 when none waits.");
  double lag = s.projection_pending_since > 0 ? std::max(0.0, now_unix - s.projection_pending_since) : 0.0;
  out += "c4confd_reconcile_redis_projection_lag_seconds " + number(lag) + "\n";

  header(out, "redis_projection_failures_total", "counter", "Redis projections that failed (retried on later passes).");
  out += "c4confd_reconcile_redis_projection_failures_total " + std::to_string(s.projection_failures) + "\n";

  header(out, "suspended", "gauge", "1 while the reconciler is suspended or pinned (c4confd ctl suspend/pin): nothing is applied.");
  out += std::string("c4confd_reconcile_suspended ") + (s.suspended ? "1" : "0") + "\n";
  header(out, "pinned", "gauge", "1 while a pin holds a past commit live (c4confd ctl pin).");
  out += std::string("c4confd_reconcile_pinned ") + (s.pinned ? "1" : "0") + "\n";
  if (s.branch_behind) {
    header(out, "commits_behind", "gauge", "Commits on the branch after the live one.");
    out += "c4confd_reconcile_commits_behind " + std::to_string(*s.branch_behind) + "\n";
  }
  return out;
}

}  // namespace c4
