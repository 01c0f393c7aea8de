#include "api/cdr/cdr_writer.h"

#include <array>
#include <cstdio>
#include <future>

#include "common/log.h"

namespace c4::cdr {
namespace {

// Upper bounds (seconds) of the commit latency histogram; the last bucket is +Inf.
constexpr std::array<double, 12> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

// While the spool holds records, how often the writer wakes to replay them.
constexpr std::chrono::milliseconds kReplayPoll{200};
// After the database failed, how long the writer spools without trying it (connection attempts
// to a dead server must not slow every batch down).
constexpr std::chrono::milliseconds kDatabaseRest{1000};

std::string sample(const std::string& name, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %.17g\n", value);
  return name + buf;
}

}  // namespace

CdrWriter::CdrWriter(CdrWriterOptions options)
    : options_(std::move(options)), latency_buckets_(kLatencyBounds.size() + 1, 0) {}

std::unique_ptr<CdrWriter> CdrWriter::start(CdrWriterOptions options) {
  std::unique_ptr<CdrWriter> writer(new CdrWriter(std::move(options)));
  if (Status s = writer->refresh_tenants(); !s)
    log_event(LogLevel::warn, "cdr.tenants_unavailable", {{"error", s.message()}});
  writer->thread_ = std::thread([w = writer.get()] { w->run(); });
  return writer;
}

CdrWriter::~CdrWriter() { stop(); }

void CdrWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CdrWriter::write_async(CdrRecord record, Completion done) {
  Status refused = Status::ok();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused = Status::unavailable("CDR not stored: the CDR writer is shutting down");
    } else if (queue_.size() >= options_.max_queue) {
      ++stats_.rejected_queue_full;
      refused = Status::unavailable("CDR not stored: " + std::to_string(queue_.size()) +
                                    " CDRs already wait for the database (queue full)");
    } else {
      queue_.push_back(Pending{std::move(record), std::move(done)});
    }
  }
  if (!refused) return done(refused);
  wake_.notify_one();
}

Result<StoredCdr> CdrWriter::write(CdrRecord record) {
  std::promise<Result<StoredCdr>> stored;
  auto future = stored.get_future();
  write_async(std::move(record), [&stored](Result<StoredCdr> r) { stored.set_value(std::move(r)); });
  return future.get();
}

void CdrWriter::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return stopping_ || !queue_.empty(); };
      // A spool waiting for the database is retried even when no CDR arrives.
      if (options_.spool && (replaying_ || options_.spool->records() > 0)) wake_.wait_for(lock, kReplayPoll, ready);
      else wake_.wait(lock, ready);
      if (queue_.empty() && stopping_) return;  // everything queued is written (or spooled)
      size_t n = std::min(options_.max_batch, queue_.size());
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (!batch.empty()) write_batch(batch);
    replay_some();
  }
}

pqxx::connection* CdrWriter::connection(Status& why) {
  if (conn_) return conn_.get();
  auto conn = open_cdr_connection(options_.database_url, options_.application_name);
  if (!conn) {
    why = conn.status();
    return nullptr;
  }
  conn_ = std::move(conn.value());
  return conn_.get();
}

void CdrWriter::database_down(const Status& why) {
  conn_.reset();  // a broken or confused session is not reused; the next attempt reconnects
  if (options_.spool) retry_database_at_ = std::chrono::steady_clock::now() + kDatabaseRest;
  log_event(LogLevel::warn, "cdr.database_unavailable", {{"error", why.message()}, {"spool", options_.spool != nullptr}});
}

bool CdrWriter::database_resting() const {
  return options_.spool && std::chrono::steady_clock::now() < retry_database_at_;
}

void CdrWriter::count(uint64_t CdrWriterStats::*counter, uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.*counter += n;
}

void CdrWriter::write_batch(std::deque<Pending>& batch) {
  for (auto& p : batch) p.record.ingest_key = new_ingest_key();
  if (database_resting()) return spool_or_fail(batch, 0);
  std::vector<CdrRecord> records;
  records.reserve(batch.size());
  for (auto& p : batch) records.push_back(p.record);

  Status why = Status::ok();
  auto started = std::chrono::steady_clock::now();
  pqxx::connection* conn = connection(why);
  Result<std::vector<StoredCdr>> stored = why;
  if (conn) stored = insert_cdr_batch(*conn, records, partitions_);
  auto elapsed = std::chrono::steady_clock::now() - started;
  if (stored) {
    {
      std::lock_guard lock(mutex_);
      ++stats_.batches_committed;
      stats_.rows_committed += batch.size();
      record_commit_latency(elapsed);
    }
    for (size_t i = 0; i < batch.size(); ++i) complete(batch[i], std::move(stored.value()[i]));
    return;
  }
  count(&CdrWriterStats::batches_failed, 1);
  log_event(LogLevel::error, "cdr.batch_failed", {{"rows", batch.size()}, {"error", stored.status().message()}});
  if (stored.status().code() == Status::Code::invalid) return write_one_by_one(batch);
  database_down(stored.status());
  spool_or_fail(batch, 0);
}

// A batch the database refused for the data of some record: each record alone, so that only
// the bad one fails. The connection is kept (the failed statement left no transaction open).
void CdrWriter::write_one_by_one(std::deque<Pending>& batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    Status why = Status::ok();
    pqxx::connection* conn = connection(why);
    Result<std::vector<StoredCdr>> stored = why;
    if (conn) stored = insert_cdr_batch(*conn, {batch[i].record}, partitions_);
    if (stored) {
      count(&CdrWriterStats::rows_committed, 1);
      complete(batch[i], std::move(stored.value()[0]));
    } else if (stored.status().code() == Status::Code::invalid) {
      count(&CdrWriterStats::rows_refused, 1);
      log_event(LogLevel::error, "cdr.refused",
                {{"call_id", batch[i].record.call_id.substr(0, 200)}, {"error", stored.status().message()}});
      complete(batch[i], Status::invalid("the database refused this CDR for its data (details in the service log)"));
    } else {
      database_down(stored.status());
      return spool_or_fail(batch, i);
    }
  }
}

// The records of batch[from…] while the database is unavailable: spooled and answered stored,
// or, without a spool or when it refuses them, answered unavailable.
void CdrWriter::spool_or_fail(std::deque<Pending>& batch, size_t from) {
  size_t n = batch.size() - from;
  Status spooled = Status::unavailable("no CDR spool");
  if (options_.spool) {
    std::vector<const CdrRecord*> records;
    for (size_t i = from; i < batch.size(); ++i) records.push_back(&batch[i].record);
    spooled = options_.spool->append(records);
  }
  if (spooled) {
    count(&CdrWriterStats::rows_spooled, n);
    for (size_t i = from; i < batch.size(); ++i) complete(batch[i], StoredCdr{0, std::move(batch[i].record), true});
    return;
  }
  if (options_.spool) {
    count(&CdrWriterStats::rejected_spool_full, n);
    log_event(LogLevel::error, "cdr.spool_refused", {{"rows", n}, {"error", spooled.message()}});
  }
  count(&CdrWriterStats::rows_failed, n);
  Status failed = Status::unavailable(options_.spool ? "CDR not stored: the database is unavailable and the CDR spool is full"
                                                     : "CDR not stored: the database is unavailable");
  for (size_t i = from; i < batch.size(); ++i) complete(batch[i], failed);
}

// Inserts the next records of the spool (at most max_batch), exactly once each; deletes a spool
// file once all its records are in. Leaves the rest for later when the database is unavailable.
void CdrWriter::replay_some() {
  if (!options_.spool || database_resting()) return;
  if (!replaying_) {
    if (options_.spool->records() == 0) return;
    auto file = options_.spool->oldest();
    if (!file) return log_event(LogLevel::error, "cdr.spool_unreadable", {{"error", file.status().message()}});
    if (!*file) return;
    replaying_ = std::move(**file);
    replay_next_ = 0;
  }
  auto& records = replaying_->records;
  size_t n = std::min(options_.max_batch, records.size() - replay_next_);
  std::vector<CdrRecord> chunk(records.begin() + static_cast<std::ptrdiff_t>(replay_next_),
                               records.begin() + static_cast<std::ptrdiff_t>(replay_next_ + n));
  Status why = Status::ok();
  pqxx::connection* conn = connection(why);
  Result<size_t> inserted = why;
  if (conn) inserted = insert_cdrs_once(*conn, chunk, partitions_);
  if (inserted) {
    replay_next_ += n;
    count(&CdrWriterStats::rows_replayed, *inserted);
  } else if (inserted.status().code() != Status::Code::invalid || !replay_one_by_one(chunk)) {
    if (inserted.status().code() != Status::Code::invalid) database_down(inserted.status());
    return;
  }
  if (replay_next_ < records.size()) return;
  if (Status removed = options_.spool->remove(*replaying_); !removed)
    return log_event(LogLevel::error, "cdr.spool_unremovable", {{"error", removed.message()}});
  log_event(LogLevel::info, "cdr.spool_replayed", {{"file", replaying_->path}, {"records", records.size()}});
  replaying_.reset();
}

// A spooled chunk the database refused for the data of some record: each alone; a refused one
// is set aside (it was answered success, so it is kept for an operator). False when the
// database became unavailable (replay_next_ then points at the first record not done).
bool CdrWriter::replay_one_by_one(const std::vector<CdrRecord>& chunk) {
  for (const CdrRecord& record : chunk) {
    Status why = Status::ok();
    pqxx::connection* conn = connection(why);
    Result<size_t> inserted = why;
    if (conn) inserted = insert_cdrs_once(*conn, {record}, partitions_);
    if (inserted) {
      count(&CdrWriterStats::rows_replayed, *inserted);
    } else if (inserted.status().code() == Status::Code::invalid) {
      log_event(LogLevel::error, "cdr.replay_refused", {{"ingest_key", record.ingest_key}, {"error", inserted.status().message()}});
      if (Status kept = options_.spool->set_aside(record, inserted.status().message()); !kept) {
        log_event(LogLevel::error, "cdr.spool_set_aside_failed", {{"error", kept.message()}});
        return false;
      }
      count(&CdrWriterStats::replay_set_aside, 1);
    } else {
      database_down(inserted.status());
      return false;
    }
    ++replay_next_;
  }
  return true;
}

// A completion that throws is a bug of its caller; it must not take the writer thread (and
// every later CDR) down with it.
void CdrWriter::complete(Pending& pending, Result<StoredCdr> result) {
  try {
    pending.done(std::move(result));
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "cdr.completion_exception", {{"what", e.what()}});
  } catch (...) {
    log_event(LogLevel::error, "cdr.completion_exception", {{"what", "unknown"}});
  }
}

// REQUIRES: mutex_ held.
void CdrWriter::record_commit_latency(std::chrono::steady_clock::duration elapsed) {
  double seconds = std::chrono::duration<double>(elapsed).count();
  latency_sum_seconds_ += seconds;
  size_t bucket = 0;
  while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
  ++latency_buckets_[bucket];
}

Status CdrWriter::refresh_tenants() {
  auto conn = open_cdr_connection(options_.database_url, "c4confd-cdr-tenants");
  if (!conn) return conn.status().with_context("reading the known tenants");
  return tenants_.refresh(**conn);
}

Result<bool> CdrWriter::tenant_known(const std::string& tenant_uuid) {
  if (tenants_.contains(tenant_uuid)) return true;
  std::lock_guard lock(tenant_refresh_mutex_);
  // At most one read per interval, also while the database is down: a burst of CDRs must not
  // become a burst of connection attempts.
  auto now = std::chrono::steady_clock::now();
  if (last_tenant_refresh_attempt_ == std::chrono::steady_clock::time_point{} ||
      now - last_tenant_refresh_attempt_ >= options_.tenant_refresh_interval) {
    last_tenant_refresh_attempt_ = now;
    last_tenant_refresh_error_.clear();
    if (Status s = refresh_tenants(); !s) {
      last_tenant_refresh_error_ = s.message();
      log_event(LogLevel::warn, "cdr.tenants_unavailable", {{"error", s.message()}});
    }
  }
  if (!tenants_.loaded())
    return Status::unavailable("the known tenants could not be read yet: " + last_tenant_refresh_error_);
  return tenants_.contains(tenant_uuid);
}

bool CdrWriter::accepting() const {
  std::lock_guard lock(mutex_);
  return !stopping_;
}

CdrWriterStats CdrWriter::stats() const {
  std::lock_guard lock(mutex_);
  CdrWriterStats out = stats_;
  out.queue_depth = queue_.size();
  return out;
}

// REQUIRES: mutex_ held.
std::string CdrWriter::spool_metrics_text() const {
  std::string out;
  out += "# HELP c4confd_cdr_spool_bytes Bytes of CDRs in the local spool, waiting for the database.\n";
  out += "# TYPE c4confd_cdr_spool_bytes gauge\n";
  out += sample("c4confd_cdr_spool_bytes", static_cast<double>(options_.spool->bytes()));
  out += "# HELP c4confd_cdr_spool_records CDRs in the local spool, waiting for the database.\n";
  out += "# TYPE c4confd_cdr_spool_records gauge\n";
  out += sample("c4confd_cdr_spool_records", static_cast<double>(options_.spool->records()));
  out += "# HELP c4confd_cdr_replayed_total Spooled CDRs replayed into the database, by result.\n";
  out += "# TYPE c4confd_cdr_replayed_total counter\n";
  out += sample("c4confd_cdr_replayed_total{result=\"inserted\"}", static_cast<double>(stats_.rows_replayed));
  out += sample("c4confd_cdr_replayed_total{result=\"set_aside\"}", static_cast<double>(stats_.replay_set_aside));
  return out;
}

std::string CdrWriter::metrics_text() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP c4confd_cdr_queue_depth CDRs waiting for the writer's next transaction.\n";
  out += "# TYPE c4confd_cdr_queue_depth gauge\n";
  out += sample("c4confd_cdr_queue_depth", static_cast<double>(queue_.size()));
  out += "# HELP c4confd_cdr_batches_total CDR transactions, by result.\n";
  out += "# TYPE c4confd_cdr_batches_total counter\n";
  out += sample("c4confd_cdr_batches_total{result=\"committed\"}", static_cast<double>(stats_.batches_committed));
  out += sample("c4confd_cdr_batches_total{result=\"failed\"}", static_cast<double>(stats_.batches_failed));
  out += "# HELP c4confd_cdr_rows_total CDRs by outcome: committed, failed (database unavailable, not stored), refused "
         "(the database refused its data), spooled (kept in the local spool).\n";
  out += "# TYPE c4confd_cdr_rows_total counter\n";
  out += sample("c4confd_cdr_rows_total{result=\"committed\"}", static_cast<double>(stats_.rows_committed));
  out += sample("c4confd_cdr_rows_total{result=\"failed\"}", static_cast<double>(stats_.rows_failed));
  out += sample("c4confd_cdr_rows_total{result=\"refused\"}", static_cast<double>(stats_.rows_refused));
  out += sample("c4confd_cdr_rows_total{result=\"spooled\"}", static_cast<double>(stats_.rows_spooled));
  out += "# HELP c4confd_cdr_rejected_total CDRs refused before queueing, by reason.\n";
  out += "# TYPE c4confd_cdr_rejected_total counter\n";
  out += sample("c4confd_cdr_rejected_total{reason=\"queue_full\"}", static_cast<double>(stats_.rejected_queue_full));
  out += sample("c4confd_cdr_rejected_total{reason=\"spool_full\"}", static_cast<double>(stats_.rejected_spool_full));
  if (options_.spool) out += spool_metrics_text();
  out += "# HELP c4confd_cdr_commit_seconds Time to write and commit one committed CDR batch.\n";
  out += "# TYPE c4confd_cdr_commit_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < latency_buckets_.size(); ++i) {
    cumulative += latency_buckets_[i];
    char le[32];
    if (i < kLatencyBounds.size()) std::snprintf(le, sizeof le, "%g", kLatencyBounds[i]);
    else std::snprintf(le, sizeof le, "+Inf");
    out += sample(std::string("c4confd_cdr_commit_seconds_bucket{le=\"") + le + "\"}", static_cast<double>(cumulative));
  }
  out += sample("c4confd_cdr_commit_seconds_sum", latency_sum_seconds_);
  out += sample("c4confd_cdr_commit_seconds_count", static_cast<double>(stats_.batches_committed));
  return out;
}

}  // namespace c4::cdr
