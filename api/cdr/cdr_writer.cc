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
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is written
      size_t n = std::min(options_.max_batch, queue_.size());
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    write_batch(batch);
  }
}

void CdrWriter::write_batch(std::deque<Pending>& batch) {
  std::vector<CdrRecord> records;
  records.reserve(batch.size());
  for (auto& p : batch) records.push_back(p.record);

  Result<std::vector<StoredCdr>> stored = Status::unavailable("no connection");
  auto started = std::chrono::steady_clock::now();
  if (!conn_) {
    auto conn = open_cdr_connection(options_.database_url, options_.application_name);
    if (conn) conn_ = std::move(conn.value());
    else stored = conn.status();
  }
  if (conn_) stored = insert_cdr_batch(*conn_, records, partitions_);
  auto elapsed = std::chrono::steady_clock::now() - started;

  if (!stored) {
    conn_.reset();  // a broken or confused session is not reused; the next batch reconnects
    {
      std::lock_guard lock(mutex_);
      ++stats_.batches_failed;
      stats_.rows_failed += batch.size();
    }
    log_event(LogLevel::error, "cdr.batch_failed", {{"rows", batch.size()}, {"error", stored.status().message()}});
    Status failed = Status::unavailable("CDR not stored: " + stored.status().message());
    for (auto& p : batch) complete(p, failed);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.batches_committed;
    stats_.rows_committed += batch.size();
    record_commit_latency(elapsed);
  }
  for (size_t i = 0; i < batch.size(); ++i) complete(batch[i], std::move(stored.value()[i]));
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
  out += "# HELP c4confd_cdr_rows_total CDRs written, by result of their transaction.\n";
  out += "# TYPE c4confd_cdr_rows_total counter\n";
  out += sample("c4confd_cdr_rows_total{result=\"committed\"}", static_cast<double>(stats_.rows_committed));
  out += sample("c4confd_cdr_rows_total{result=\"failed\"}", static_cast<double>(stats_.rows_failed));
  out += "# HELP c4confd_cdr_rejected_total CDRs refused before queueing, by reason.\n";
  out += "# TYPE c4confd_cdr_rejected_total counter\n";
  out += sample("c4confd_cdr_rejected_total{reason=\"queue_full\"}", static_cast<double>(stats_.rejected_queue_full));
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
