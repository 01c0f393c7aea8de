// The database step of `c4confd serve`'s start-up: connect and migrate, and when PostgreSQL is
// not there yet, keep trying with backoff instead of exiting, while the API already listens
// (GET /status answers 503 not_ready until the migrations are in and the snapshots loaded).
// `reconcile` and `all` behave the same way through their loop (cli/reconcile_options.h).
//
//   StartupMigrator migrator(url, "serve");
//   if (Status first = migrator.try_once(); !first && !first.retryable()) exit(1);
//   if (!first) migrator.retry_in_background(on_migrated);   // logs each attempt
//   … serve …
//   migrator.stop();   // before exiting; failed() says whether a terminal error ended it
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace c4::cli {

struct MigratorBackoff {
  std::chrono::milliseconds first{250};  // the wait after the first failed attempt
  std::chrono::milliseconds max{5000};   // doubling stops here
};

class StartupMigrator {
 public:
  StartupMigrator(std::string database_url, std::string component, MigratorBackoff backoff = {});
  ~StartupMigrator();  // stop()
  StartupMigrator(const StartupMigrator&) = delete;
  StartupMigrator& operator=(const StartupMigrator&) = delete;

  // One attempt: connect (3 s connect timeout) and apply the pending migrations. unavailable
  // when PostgreSQL cannot be reached (retry), another code for a terminal failure (a bad URL,
  // a migration that fails). Logs "<component>.database_unavailable" with attempt and error
  // on a retryable failure, "migrated" on success.
  Status try_once();

  // Calls try_once() on a thread of its own, after waits of backoff.first doubling up to
  // backoff.max, until it succeeds (then `on_migrated()`), fails terminally (then `on_failed`
  // with the Status, after logging it) or stop() is called. REQUIRES: called at most once.
  void retry_in_background(std::function<void()> on_migrated, std::function<void(const Status&)> on_failed);

  // Ends the retries (an attempt under way finishes first) and joins the thread. Idempotent.
  void stop();

  bool migrated() const { return migrated_.load(); }

 private:
  void run(const std::function<void()>& on_migrated, const std::function<void(const Status&)>& on_failed);

  std::string database_url_, component_;
  MigratorBackoff backoff_;
  int attempts_ = 0;
  std::atomic<bool> migrated_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace c4::cli
