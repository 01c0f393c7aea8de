// The reconcile counters and their Prometheus text.
#include "reconciler/reconcile_stats.h"

#include <doctest/doctest.h>

#include "common/duration.h"

namespace c4 {

TEST_CASE("Passes are counted by result and in the duration histogram") {
  ReconcileStats s;
  s.record_pass("applied", 0.3);
  s.record_pass("unchanged", 0.01);
  s.record_pass("failed", 7);
  s.record_pass("error", 500);
  CHECK(s.passes == 4);
  CHECK(s.applied == 1);
  CHECK(s.unchanged == 1);
  CHECK(s.failed == 1);
  CHECK(s.errors == 1);
  CHECK(s.last_result == "error");
  CHECK(s.last_duration_seconds == 500);
  CHECK(s.duration_buckets[0] == 1);   // <= 0.05: the 0.01 s pass
  CHECK(s.duration_buckets[3] == 2);   // <= 0.5
  CHECK(s.duration_buckets[7] == 3);   // <= 10
  CHECK(s.duration_buckets.back() == 3);  // <= 120: the 500 s pass is only in +Inf
  CHECK(s.duration_sum_seconds == doctest::Approx(507.31));
}

TEST_CASE("The Prometheus text names every reconcile metric with its type") {
  ReconcileStats s;
  s.record_pass("applied", 0.3);
  s.applied_revision_id = 42;
  s.applied_commit = "3f2a9c";
  s.drift_total = 3;
  s.leader = true;
  s.fetches = 5;
  std::string text = render_prometheus(s);
  for (const char* line : {
           "# TYPE c4confd_reconcile_duration_seconds histogram\n",
           "c4confd_reconcile_duration_seconds_bucket{le=\"0.05\"} 0\n",
           "c4confd_reconcile_duration_seconds_bucket{le=\"0.25\"} 0\n",
           "c4confd_reconcile_duration_seconds_bucket{le=\"0.5\"} 1\n",
           "c4confd_reconcile_duration_seconds_bucket{le=\"+Inf\"} 1\n",
           "c4confd_reconcile_duration_seconds_sum 0.3\n",
           "c4confd_reconcile_duration_seconds_count 1\n",
           "# TYPE c4confd_reconcile_passes_total counter\n",
           "c4confd_reconcile_passes_total{result=\"applied\"} 1\n",
           "c4confd_reconcile_passes_total{result=\"failed\"} 0\n",
           "c4confd_reconcile_applied_revision_info{revision=\"42\",commit=\"3f2a9c\"} 1\n",
           "c4confd_reconcile_drift_total 3\n",
           "c4confd_reconcile_is_leader 1\n",
           "c4confd_reconcile_fetches_total 5\n",
           "c4confd_reconcile_last_success 1\n",
       })
    CHECK_MESSAGE(text.find(line) != std::string::npos, "missing: " << line);
  CHECK(text.back() == '\n');
}

TEST_CASE("The reconcile lag and the Redis projection lag are rendered from their timestamps") {
  ReconcileStats s;
  s.record_pass("applied", 0.3, 1000.5);
  s.record_pass("failed", 0.2, 1010);  // a failure keeps the last success's time
  s.projection_pending_since = 1020;
  std::string text = render_prometheus(s, 1065.5);
  CHECK(text.find("# TYPE c4confd_reconcile_last_success_timestamp_seconds gauge\n") != std::string::npos);
  CHECK(text.find("c4confd_reconcile_last_success_timestamp_seconds 1000.5\n") != std::string::npos);
  CHECK(text.find("# TYPE c4confd_reconcile_redis_projection_lag_seconds gauge\n") != std::string::npos);
  CHECK(text.find("c4confd_reconcile_redis_projection_lag_seconds 45.5\n") != std::string::npos);
  s.projection_pending_since = 0;  // projected: nothing waits
  CHECK(render_prometheus(s, 1065.5).find("c4confd_reconcile_redis_projection_lag_seconds 0\n") != std::string::npos);
}

TEST_CASE("No applied revision means no revision info sample") {
  std::string text = render_prometheus(ReconcileStats{});
  CHECK(text.find("c4confd_reconcile_applied_revision_info{") == std::string::npos);
  CHECK(text.find("c4confd_reconcile_is_leader 0\n") != std::string::npos);
}

TEST_CASE("Durations are read with their unit") {
  CHECK(parse_duration("30s").value() == std::chrono::seconds(30));
  CHECK(parse_duration("500ms").value() == std::chrono::milliseconds(500));
  CHECK(parse_duration("1.5s").value() == std::chrono::milliseconds(1500));
  CHECK(parse_duration("2m").value() == std::chrono::minutes(2));
  CHECK(parse_duration("1h").value() == std::chrono::hours(1));
}

TEST_CASE("Durations without a unit or out of bounds are refused with the text named") {
  for (const char* bad : {"30", "", "s", "10x", "0s", "-1s", "1.2.3s", "25h"}) {
    auto d = parse_duration(bad);
    CHECK_FALSE(d.is_ok());
    if (!d.is_ok()) CHECK(d.status().message().find(std::string("\"") + bad + "\"") != std::string::npos);
  }
}

}  // namespace c4
