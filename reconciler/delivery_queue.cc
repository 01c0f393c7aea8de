#include "reconciler/delivery_queue.h"

#include "common/http_client.h"
#include "common/log.h"

namespace c4 {
namespace {

bool retryable_answer(int status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace

std::string url_origin(const std::string& url) {
  auto parsed = parse_http_url(url);
  return parsed ? parsed->origin() : "(not an http(s) URL)";
}

Result<int> http_post(const Delivery& delivery, std::chrono::milliseconds timeout) {
  auto url = parse_http_url(delivery.url, "delivery URL");
  if (!url) return Status::invalid("not an http(s) URL: " + url_origin(delivery.url));
  HttpCall call;
  call.method = "POST";
  call.headers = delivery.headers;
  call.body = delivery.body;
  call.timeout = timeout;
  call.body_limit = 64 * 1024;  // a receiver's answer is read, not kept
  auto answer = http_call(*url, call);
  if (!answer) return answer.status();
  return answer->status;
}

DeliveryQueue::DeliveryQueue(DeliveryQueueConfig config, HttpPost post)
    : config_(config), post_(std::move(post)), worker_([this] { run(); }) {}

DeliveryQueue::~DeliveryQueue() { stop(); }

void DeliveryQueue::enqueue(Delivery delivery) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= std::max<size_t>(config_.capacity, 1)) {
      log_event(LogLevel::warn, "notify.dropped", {{"what", queue_.front().what}, {"to", url_origin(queue_.front().url)},
                                                   {"reason", "the delivery queue is full"}});
      queue_.pop_front();
      ++stats_.dropped;
    }
    queue_.push_back(std::move(delivery));
  }
  wake_.notify_all();
}

DeliveryStats DeliveryQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

size_t DeliveryQueue::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + (busy_ ? 1 : 0);
}

void DeliveryQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    if (!queue_.empty())
      log_event(LogLevel::warn, "notify.abandoned", {{"count", queue_.size()}, {"reason", "stopping"}});
    queue_.clear();
  }
  wake_.notify_all();
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

bool DeliveryQueue::wait(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stopping_; });
  return !stopping_;
}

void DeliveryQueue::run() {
  for (;;) {
    Delivery next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    deliver(next);
    std::lock_guard lock(mutex_);
    busy_ = false;
  }
}

void DeliveryQueue::deliver(const Delivery& delivery) {
  auto backoff = config_.initial_backoff;
  std::string last;
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    if (attempt > 1) {
      if (!wait(backoff)) return;
      backoff = std::min(backoff * 2, config_.max_backoff);
      std::lock_guard lock(mutex_);
      ++stats_.retries;
    }
    auto answer = post_(delivery, config_.timeout);
    if (answer && *answer >= 200 && *answer < 300) {
      log_event(LogLevel::info, "notify.delivered",
                {{"what", delivery.what}, {"to", url_origin(delivery.url)}, {"status", *answer}, {"attempt", attempt}});
      std::lock_guard lock(mutex_);
      ++stats_.delivered;
      return;
    }
    last = answer ? "HTTP " + std::to_string(*answer) : answer.status().message();
    bool retry = answer ? retryable_answer(*answer) : answer.status().code() == Status::Code::unavailable;
    log_event(LogLevel::warn, "notify.attempt_failed",
              {{"what", delivery.what}, {"to", url_origin(delivery.url)}, {"attempt", attempt}, {"error", last},
               {"retry", retry && attempt < config_.max_attempts}});
    if (!retry) break;
  }
  log_event(LogLevel::error, "notify.failed", {{"what", delivery.what}, {"to", url_origin(delivery.url)}, {"error", last}});
  std::lock_guard lock(mutex_);
  ++stats_.failed;
}

}  // namespace c4
