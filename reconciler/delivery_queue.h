// Deliveries to outside HTTP endpoints (commit statuses on the Git host, JSON notifications),
// made by a worker thread of their own so that a slow or dead endpoint never delays a
// reconcile: enqueue() only takes a lock and appends.
//
// One queue per destination keeps deliveries to it in order (a commit's "pending" status
// arrives before its "success") and keeps a dead endpoint from holding up the others.
//
// Each delivery is tried up to max_attempts times. A 2xx answer delivers it; a connection
// failure, a timeout, 408, 429 or a 5xx answer is retried after a backoff (initial_backoff,
// doubling, capped at max_backoff); any other answer (401, 404, 422: retrying cannot help)
// gives up at once. The queue holds at most `capacity` deliveries: when full, the oldest
// waiting one is dropped (newer news matters more) and counted.
//
// Headers may hold tokens: they are never logged. Logs name the destination by its origin
// (scheme, host, port), never its path, since a webhook URL's path is often its secret.
//
// Thread-safety: every member function may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"

namespace c4 {

struct Delivery {
  std::string what;  // for logs: "git-status success abc1234", "notify failure"
  std::string url;   // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // may hold tokens: never logged
  std::string body;  // JSON
};

// POSTs one delivery and returns the HTTP status, or Status::unavailable when no answer came
// (connection refused, timeout, TLS failure). The production one is http_post().
using HttpPost = std::function<Result<int>(const Delivery& delivery, std::chrono::milliseconds timeout)>;

// common/http_client.h over TCP or TLS (certificates checked against the system's trust store).
Result<int> http_post(const Delivery& delivery, std::chrono::milliseconds timeout);

// "https://hooks.example.org:8443" of a URL: what logs may show of it.
std::string url_origin(const std::string& url);

struct DeliveryQueueConfig {
  size_t capacity = 256;
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{60'000};
  std::chrono::milliseconds timeout{10'000};  // per attempt (connect, write, read)
};

struct DeliveryStats {
  uint64_t delivered = 0;
  uint64_t failed = 0;   // gave up: attempts exhausted or a final answer
  uint64_t dropped = 0;  // pushed out of a full queue
  uint64_t retries = 0;  // attempts after the first
};

class DeliveryQueue {
 public:
  explicit DeliveryQueue(DeliveryQueueConfig config, HttpPost post = http_post);
  ~DeliveryQueue();  // stop()
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  // Queues `delivery`; never blocks on the network.
  void enqueue(Delivery delivery);
  DeliveryStats stats() const;
  // Deliveries queued or in progress.
  size_t pending() const;
  // Ends the backoff in progress and joins the worker after the attempt in progress; what is
  // still queued is dropped (and logged). Idempotent.
  void stop();

 private:
  void run();
  void deliver(const Delivery& delivery);
  bool wait(std::chrono::milliseconds duration);  // false when stopping

  DeliveryQueueConfig config_;
  HttpPost post_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Delivery> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  DeliveryStats stats_;
  std::thread worker_;
};

}  // namespace c4
