// Turns the loop's attempt reports (attempt_report.h) into deliveries: a commit status on the
// Git host for every new outcome of a commit, and JSON notifications to every --notify-url on
// failure (once per failed commit), on drift (each correction) and on recovery (the first
// success after a failure). Each destination has its own DeliveryQueue, so on_attempt()
// never waits for the network.
//
// Thread-safety: on_attempt() from the loop's thread; stats() and stop() from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/attempt_report.h"
#include "reconciler/delivery_queue.h"
#include "reconciler/git_status.h"
#include "reconciler/notification.h"

namespace c4 {

struct ReporterConfig {
  std::optional<GitStatusConfig> git_status;  // nullopt: no commit statuses
  std::vector<std::string> notify_urls;       // http(s) URLs (may hold secrets in their path)
  std::string public_url;                     // base of revision links in notifications
  DeliveryQueueConfig queue;
};

class AttemptReporter {
 public:
  explicit AttemptReporter(ReporterConfig config, HttpPost post = http_post);
  ~AttemptReporter();

  bool enabled() const { return git_queue_ || !notify_queues_.empty(); }
  void on_attempt(const AttemptReport& report);
  // The sum over every destination.
  DeliveryStats stats() const;
  size_t pending() const;
  void stop();

 private:
  void notify(NotificationEvent event, const AttemptReport& report);

  ReporterConfig config_;
  std::unique_ptr<DeliveryQueue> git_queue_;
  std::vector<std::unique_ptr<DeliveryQueue>> notify_queues_;
  std::string last_status_;         // "<outcome> <commit>" last posted: the same is not posted twice
  std::string last_failed_commit_;  // failure notified for this commit already
  bool failing_ = false;            // the last final outcome was a failure
};

// The deliveries' counters as Prometheus text (c4confd_notify_deliveries_total{result=…}).
std::string render_delivery_metrics(const DeliveryStats& stats);

}  // namespace c4
