#include "reconciler/attempt_reporter.h"

#include "reconciler/notification.h"

namespace c4 {

AttemptReporter::AttemptReporter(ReporterConfig config, HttpPost post) : config_(std::move(config)) {
  if (config_.git_status) git_queue_ = std::make_unique<DeliveryQueue>(config_.queue, post);
  for (size_t i = 0; i < config_.notify_urls.size(); ++i)
    notify_queues_.push_back(std::make_unique<DeliveryQueue>(config_.queue, post));
}

AttemptReporter::~AttemptReporter() { stop(); }

void AttemptReporter::on_attempt(const AttemptReport& report) {
  if (git_queue_) {
    std::string key = std::to_string(static_cast<int>(report.outcome)) + " " + report.commit_id;
    if (key != last_status_) {
      if (auto delivery = git_status_delivery(*config_.git_status, report)) git_queue_->enqueue(std::move(*delivery));
      last_status_ = key;
    }
  }
  switch (report.outcome) {
    case AttemptOutcome::failed:
      if (report.commit_id != last_failed_commit_) notify(NotificationEvent::failure, report);
      last_failed_commit_ = report.commit_id;
      failing_ = true;
      break;
    case AttemptOutcome::applied:
      if (failing_) notify(NotificationEvent::recovery, report);
      if (!report.drifted.empty()) notify(NotificationEvent::drift, report);
      failing_ = false;
      last_failed_commit_.clear();
      break;
    case AttemptOutcome::pending:
    case AttemptOutcome::superseded: break;
  }
}

void AttemptReporter::notify(NotificationEvent event, const AttemptReport& report) {
  std::string body = notification_body(event, report, config_.public_url);
  for (size_t i = 0; i < notify_queues_.size(); ++i)
    notify_queues_[i]->enqueue({"notify " + std::string(event_name(event)), config_.notify_urls[i], {}, body});
}

DeliveryStats AttemptReporter::stats() const {
  DeliveryStats total;
  auto add = [&](const DeliveryQueue& q) {
    auto s = q.stats();
    total.delivered += s.delivered;
    total.failed += s.failed;
    total.dropped += s.dropped;
    total.retries += s.retries;
  };
  if (git_queue_) add(*git_queue_);
  for (const auto& q : notify_queues_) add(*q);
  return total;
}

size_t AttemptReporter::pending() const {
  size_t n = git_queue_ ? git_queue_->pending() : 0;
  for (const auto& q : notify_queues_) n += q->pending();
  return n;
}

void AttemptReporter::stop() {
  if (git_queue_) git_queue_->stop();
  for (const auto& q : notify_queues_) q->stop();
}

std::string render_delivery_metrics(const DeliveryStats& s) {
  std::string out =
      "# HELP c4confd_notify_deliveries_total Commit statuses and notifications by how they ended.\n"
      "# TYPE c4confd_notify_deliveries_total counter\n";
  for (auto [result, count] : {std::pair{"delivered", s.delivered}, {"failed", s.failed}, {"dropped", s.dropped}})
    out += std::string("c4confd_notify_deliveries_total{result=\"") + result + "\"} " + std::to_string(count) + "\n";
  out += "# HELP c4confd_notify_retries_total Delivery attempts after the first.\n"
         "# TYPE c4confd_notify_retries_total counter\n"
         "c4confd_notify_retries_total " + std::to_string(s.retries) + "\n";
  return out;
}

}  // namespace c4
