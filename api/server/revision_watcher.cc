#include "api/server/revision_watcher.h"

#include "store/connection_pool.h"
#include "api/server/metrics.h"
#include "common/log.h"
#include "store/database.h"

namespace c4::api {

Result<std::string> read_live_revision(pqxx::transaction_base& txn) {
  auto rows = txn.exec("SELECT live_revision_id, live_commit_id FROM reconciler_status");
  if (rows.empty() || rows[0][0].is_null()) return std::string();
  return rows[0][0].as<std::string>() + ":" + (rows[0][1].is_null() ? "" : rows[0][1].c_str());
}

RevisionWatcher::RevisionWatcher(WatcherOptions options) : options_(std::move(options)) {}

RevisionWatcher::~RevisionWatcher() { stop(); }

void RevisionWatcher::add_reload(std::string name, ReloadFunction reload) {
  Entry e;
  e.state.name = std::move(name);
  e.reload = std::move(reload);
  entries_.push_back(std::move(e));
}

void RevisionWatcher::start() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = false;
  }
  if (!options_.redis_url.empty()) {
    RedisSubscriber::Callbacks callbacks;
    callbacks.on_message = [this](const std::string& revision) {
      log_event(LogLevel::debug, "snapshot.announced", {{"revision", revision}});
      check_soon();
    };
    callbacks.on_subscribed = [this] { check_soon(); };  // anything published while away is lost
    subscriber_ = std::make_unique<RedisSubscriber>(options_.redis_url, options_.channel, std::move(callbacks));
    subscriber_->start();
  }
  thread_ = std::thread([this] { run(); });
}

void RevisionWatcher::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (subscriber_) subscriber_->stop();
  if (thread_.joinable()) thread_.join();
}

void RevisionWatcher::check_soon() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
  }
  wake_.notify_all();
}

void RevisionWatcher::run() {
  while (true) {
    bool current = check();
    checks_.fetch_add(1);
    std::unique_lock lock(wake_mutex_);
    auto wait = current ? options_.poll_interval : options_.retry_interval;
    wake_.wait_for(lock, wait, [this] { return stopping_ || wake_requested_; });
    if (stopping_) return;
    wake_requested_ = false;
  }
}

bool RevisionWatcher::check() {
  if (!conn_ || !conn_->is_open()) {
    auto conn = connect_database(with_connect_timeout(options_.database_url, 3));
    if (!conn) {
      if (conn.status().message() != last_db_error_)
        log_event(LogLevel::warn, "snapshot.database_unavailable", {{"error", conn.status().message()}});
      last_db_error_ = conn.status().message();
      conn_.reset();
      return false;
    }
    conn_ = std::move(conn.value());
    if (!last_db_error_.empty()) log_event(LogLevel::info, "snapshot.database_back", {});
    last_db_error_.clear();
  }
  std::string revision;
  try {
    pqxx::read_transaction txn(*conn_);
    auto live = read_live_revision(txn);
    if (!live) throw std::runtime_error(live.status().message());
    revision = live.value();
  } catch (const std::exception& e) {
    std::string message = database_error(e, "reading the live revision").message();
    if (message != last_db_error_) log_event(LogLevel::warn, "snapshot.database_unavailable", {{"error", message}});
    last_db_error_ = message;
    conn_.reset();
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    live_revision_ = revision;
  }

  bool all_current = true;
  for (size_t i = 0; i < entries_.size(); ++i) {
    {
      std::lock_guard lock(mutex_);
      const auto& s = entries_[i].state;
      if (s.loaded && s.revision == revision) continue;
    }
    auto started = std::chrono::steady_clock::now();
    Status status;
    try {
      status = entries_[i].reload(*conn_, revision);
    } catch (const std::exception& e) {
      status = Status::internal(std::string("reload threw: ") + e.what());
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::lock_guard lock(mutex_);
    SnapshotState& s = entries_[i].state;
    if (status.is_ok()) {
      s.loaded = true;
      s.revision = revision;
      s.loaded_at = std::chrono::system_clock::now();
      s.reloads++;
      s.last_error.clear();
      log_event(LogLevel::info, "snapshot.loaded", {{"snapshot", s.name}, {"revision", revision}, {"ms", ms}});
    } else {
      all_current = false;
      s.failures++;
      s.last_error = status.message();
      log_event(LogLevel::error, "snapshot.reload_failed",
                {{"snapshot", s.name}, {"revision", revision}, {"error", status.message()},
                 {"kept_revision", s.loaded ? nlohmann::json(s.revision) : nlohmann::json(nullptr)}});
    }
  }
  if (conn_ && !conn_->is_open()) conn_.reset();
  std::lock_guard lock(mutex_);
  bool every_loaded = true;
  for (const auto& e : entries_) every_loaded = every_loaded && e.state.loaded;
  if (every_loaded) ready_.store(true, std::memory_order_release);
  if (all_current) current_at_ = std::chrono::steady_clock::now();
  return all_current;
}

std::vector<RevisionWatcher::SnapshotState> RevisionWatcher::snapshots() const {
  std::lock_guard lock(mutex_);
  std::vector<SnapshotState> out;
  for (const auto& e : entries_) out.push_back(e.state);
  return out;
}

std::string RevisionWatcher::live_revision() const {
  std::lock_guard lock(mutex_);
  return live_revision_;
}

std::optional<double> RevisionWatcher::age_seconds() const {
  std::lock_guard lock(mutex_);
  if (!current_at_) return std::nullopt;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - *current_at_).count();
}

nlohmann::json RevisionWatcher::status_json() const {
  auto age = age_seconds();
  nlohmann::json snapshots = nlohmann::json::array();
  for (const auto& s : this->snapshots()) {
    snapshots.push_back({{"name", s.name},
                         {"loaded", s.loaded},
                         {"revision", s.loaded ? nlohmann::json(s.revision) : nlohmann::json(nullptr)},
                         {"reloads", s.reloads},
                         {"failures", s.failures},
                         {"last_error", s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)}});
  }
  return {{"ready", ready()},
          {"revision", live_revision()},
          {"age_seconds", age ? nlohmann::json(*age) : nlohmann::json(nullptr)},
          {"redis_subscribed", subscriber_ ? subscriber_->subscribed() : false},
          {"snapshots", std::move(snapshots)}};
}

std::string RevisionWatcher::metrics_text() const {
  std::string out;
  auto states = snapshots();
  out += "# HELP c4confd_snapshot_revision_info The revision each in-memory snapshot was loaded at.\n"
         "# TYPE c4confd_snapshot_revision_info gauge\n";
  for (const auto& s : states)
    if (s.loaded)
      out += "c4confd_snapshot_revision_info{snapshot=\"" + prometheus_label(s.name) + "\",revision=\"" +
             prometheus_label(s.revision) + "\"} 1\n";
  out += "# HELP c4confd_snapshot_age_seconds Seconds since the snapshots were last found current in PostgreSQL.\n"
         "# TYPE c4confd_snapshot_age_seconds gauge\n";
  if (auto age = age_seconds()) out += "c4confd_snapshot_age_seconds " + std::to_string(*age) + "\n";
  out += "# HELP c4confd_snapshot_ready 1 once every snapshot has loaded (GET /status answers 204).\n"
         "# TYPE c4confd_snapshot_ready gauge\n";
  out += std::string("c4confd_snapshot_ready ") + (ready() ? "1" : "0") + "\n";
  out += "# HELP c4confd_snapshot_reloads_total Successful snapshot loads.\n# TYPE c4confd_snapshot_reloads_total counter\n";
  for (const auto& s : states)
    out += "c4confd_snapshot_reloads_total{snapshot=\"" + prometheus_label(s.name) + "\"} " + std::to_string(s.reloads) + "\n";
  out += "# HELP c4confd_snapshot_reload_failures_total Reloads that failed (the last good snapshot was kept).\n"
         "# TYPE c4confd_snapshot_reload_failures_total counter\n";
  for (const auto& s : states)
    out += "c4confd_snapshot_reload_failures_total{snapshot=\"" + prometheus_label(s.name) + "\"} " +
           std::to_string(s.failures) + "\n";
  return out;
}

}  // namespace c4::api
