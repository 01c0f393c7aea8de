// Keeps this process's in-memory snapshots at the live revision.
//
// Learns of new revisions from the Redis channel c4:revisions (docs/redis.md; the reconciler
// publishes after every projection), with a poll of PostgreSQL's reconciler_status as the
// fallback for when Redis is down or a message was missed. When the live revision differs from
// the one a snapshot was loaded at, the watcher calls that snapshot's reload function on its
// own thread, never on a request thread. Reload functions build a complete new snapshot and
// swap it into their SnapshotHolder; a failed reload (a Status, or an exception) keeps the last
// good snapshot, is logged and counted, and is retried at the next check.
//
// With PostgreSQL or Redis down the watcher only retries; the snapshots already loaded keep
// serving. ready() turns true once every registered snapshot has loaded once, and stays true.
//
// Revisions are named "<revision id>:<commit>" like the Redis projection's; "" when nothing was
// ever applied (reloads then load the empty configuration).
//
// Thread-safety: add_reload() before start(); everything else from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api/server/redis_subscriber.h"
#include "common/status.h"

namespace c4::api {

using ReloadFunction = std::function<Status(pqxx::connection&, const std::string& revision)>;

struct WatcherOptions {
  std::string database_url;
  std::string redis_url;  // empty: poll only
  std::string channel = "c4:revisions";
  std::chrono::milliseconds poll_interval{5000};
  // How soon a failed or impossible check (database down, reload failed) is retried.
  std::chrono::milliseconds retry_interval{1000};
};

class RevisionWatcher {
 public:
  explicit RevisionWatcher(WatcherOptions options);
  ~RevisionWatcher();  // stop()
  RevisionWatcher(const RevisionWatcher&) = delete;
  RevisionWatcher& operator=(const RevisionWatcher&) = delete;

  // Registers a snapshot by name ("access", "routing"). REQUIRES: before start().
  void add_reload(std::string name, ReloadFunction reload);

  void start();
  void stop();
  // Asks for a check now (the Redis subscriber calls it for every announcement).
  void check_soon();

  bool ready() const { return ready_.load(std::memory_order_acquire); }

  struct SnapshotState {
    std::string name;
    bool loaded = false;
    std::string revision;  // the revision the snapshot was loaded at
    std::chrono::system_clock::time_point loaded_at{};
    uint64_t reloads = 0, failures = 0;
    std::string last_error;
  };
  std::vector<SnapshotState> snapshots() const;
  // The revision PostgreSQL named live at the last successful check ("" before one).
  std::string live_revision() const;
  // Seconds since the last check that found every snapshot current (grows while PostgreSQL is
  // unreachable or reloads fail); nullopt before the first such check.
  std::optional<double> age_seconds() const;
  uint64_t checks() const { return checks_.load(); }

  // {"ready", "revision", "age_seconds", "snapshots": [...]} for /1.0/status.
  nlohmann::json status_json() const;
  // Prometheus text: snapshot revision info, age, reloads and reload failures per snapshot.
  std::string metrics_text() const;

 private:
  struct Entry {
    SnapshotState state;
    ReloadFunction reload;
  };
  void run();
  // One check: read the live revision, reload what is behind. Returns true when every snapshot
  // is current.
  bool check();

  WatcherOptions options_;
  std::unique_ptr<RedisSubscriber> subscriber_;
  mutable std::mutex mutex_;  // guards entries_' states, live_revision_, current_at_
  std::vector<Entry> entries_;
  std::string live_revision_;
  std::optional<std::chrono::steady_clock::time_point> current_at_;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> checks_{0};

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool wake_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
  std::unique_ptr<pqxx::connection> conn_;  // used by the watcher thread only
  std::string last_db_error_;
};

// The live revision as the watcher names it, read from reconciler_status.
Result<std::string> read_live_revision(pqxx::transaction_base& txn);

}  // namespace c4::api
