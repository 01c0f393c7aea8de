// CdrWriter: group commit of ingested CDRs.
//
// A request hands its record to write_async() (or calls write(), which waits). One writer
// thread takes everything queued (up to max_batch records), writes it in one transaction
// (insert_cdr_batch), commits, and only then completes each record with its stored form.
// Concurrent requests thus share one commit, and one fsync, instead of paying one each; with
// write_async() a request waiting for its commit holds no thread, so the batch is as large as
// the requests in flight. No record is ever reported stored unless it is durable:
//  - A batch the database refuses for its data (cdr_database_error: Status::invalid) is
//    retried record by record, so only the bad record fails (Status::invalid), alone.
//  - A batch that fails because the database is unavailable goes to the spool when one is
//    configured (cdr_spool.h): its records complete as stored with `spooled` set once the
//    spool file is fsync'd; for the next second the writer spools without trying the
//    database. Without a spool, or when the spool refuses (full, disk error), they complete
//    with Status::unavailable.
//  - Between batches, and every 200 ms while the spool holds records, the writer replays the
//    spool into the database (insert_cdrs_once, up to max_batch records at a time), exactly
//    once per record; a spooled record the database refuses for its data is set aside.
// The messages of the statuses given to completions are generic (no host, port or server
// message: callers may be API clients); the details are logged (cdr.batch_failed …).
//
// The queue is bounded: a record is refused at once with Status::unavailable when max_queue
// records are already waiting (the API answers 503 and Kamailio can retry). stop() (and the
// destructor) refuse new records, write what is queued, and join the thread.
//
// Thread-safety: every public member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api/cdr/cdr_database.h"
#include "api/cdr/cdr_record.h"
#include "api/cdr/cdr_spool.h"
#include "api/cdr/tenant_directory.h"
#include "common/status.h"

namespace c4::cdr {

struct CdrWriterOptions {
  std::string database_url;
  size_t max_batch = 1000;   // records per transaction
  size_t max_queue = 20000;  // records waiting; beyond it write() fails at once
  // An unknown tenant re-reads the tenants table when the last read is older than this, so a
  // tenant added by a revision is known within this delay even if nobody calls
  // refresh_tenants(); at most one read per interval, whatever the CDR rate.
  std::chrono::milliseconds tenant_refresh_interval{5000};
  std::string application_name = "c4confd-cdr-writer";
  // The local spool for the time PostgreSQL is unavailable (nullptr: none; answer 503 then).
  std::shared_ptr<CdrSpool> spool;
};

// Counters since start (for tests and /metrics).
struct CdrWriterStats {
  uint64_t batches_committed = 0;
  uint64_t batches_failed = 0;
  uint64_t rows_committed = 0;
  uint64_t rows_failed = 0;    // answered unavailable: database down and no spool (or spool refused)
  uint64_t rows_refused = 0;   // refused alone by the database for their data
  uint64_t rows_spooled = 0;   // answered stored from the spool
  uint64_t rows_replayed = 0;  // inserted into the database from the spool
  uint64_t replay_set_aside = 0;  // spooled, then refused by the database for their data
  uint64_t rejected_queue_full = 0;
  uint64_t rejected_spool_full = 0;
  size_t queue_depth = 0;
};

class CdrWriter {
 public:
  // Starts the writer thread. Reads the tenants table when the database answers; when it does
  // not, the writer still starts (ingest answers 503 until it does).
  static std::unique_ptr<CdrWriter> start(CdrWriterOptions options);
  ~CdrWriter();
  CdrWriter(const CdrWriter&) = delete;
  CdrWriter& operator=(const CdrWriter&) = delete;

  // Called exactly once with the stored record (with its id) once its batch is committed, or
  // spooled (`spooled`, no id); with invalid when the database refused this record's data; or
  // with unavailable (database down without room in a spool, queue full, writer stopped). Runs on the
  // writer thread (on the caller's, when the record is refused at once), so it must be quick
  // and must not call write().
  using Completion = std::function<void(Result<StoredCdr>)>;
  // Queues `record` and returns; `done` reports its fate.
  void write_async(CdrRecord record, Completion done);
  // Queues `record` and blocks until its batch is committed or failed, as above.
  Result<StoredCdr> write(CdrRecord record);

  // Whether `tenant_uuid` (canonical) is a known tenant. An unknown one re-reads the table when
  // the last attempt is older than tenant_refresh_interval. unavailable while the table has
  // never been read (database down since start).
  Result<bool> tenant_known(const std::string& tenant_uuid);
  // Re-reads the tenants table now (call it when a new revision is applied).
  Status refresh_tenants();

  // Refuses new records, writes the queued ones, joins the writer thread. Idempotent.
  void stop();

  // False once stop() has begun: write() then fails at once (readiness probes can use it).
  bool accepting() const;

  CdrWriterStats stats() const;
  // Prometheus text exposition lines (HELP, TYPE, samples) of the writer's metrics:
  // c4confd_cdr_queue_depth, c4confd_cdr_batches_total{result}, c4confd_cdr_rows_total{result},
  // c4confd_cdr_rejected_total{reason}, c4confd_cdr_commit_seconds (histogram), and with a
  // spool c4confd_cdr_spool_bytes, c4confd_cdr_spool_records (gauges) and
  // c4confd_cdr_replayed_total{result}.
  std::string metrics_text() const;

 private:
  struct Pending {
    CdrRecord record;
    Completion done;
  };

  explicit CdrWriter(CdrWriterOptions options);
  void run();
  void write_batch(std::deque<Pending>& batch);
  void write_one_by_one(std::deque<Pending>& batch);
  void spool_or_fail(std::deque<Pending>& batch, size_t from);
  void replay_some();
  bool replay_one_by_one(const std::vector<CdrRecord>& chunk);
  // The writer thread's connection, opened when missing; nullptr (and `why`) when it cannot be.
  pqxx::connection* connection(Status& why);
  // Forgets the connection and, with a spool, leaves the database alone for a moment.
  void database_down(const Status& why);
  bool database_resting() const;
  void count(uint64_t CdrWriterStats::*counter, uint64_t n);
  static void complete(Pending& pending, Result<StoredCdr> result);
  void record_commit_latency(std::chrono::steady_clock::duration elapsed);
  std::string spool_metrics_text() const;

  const CdrWriterOptions options_;
  TenantDirectory tenants_;
  std::mutex tenant_refresh_mutex_;  // one refresh at a time; guards the attempt time
  std::chrono::steady_clock::time_point last_tenant_refresh_attempt_{};
  std::string last_tenant_refresh_error_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  CdrWriterStats stats_;
  std::vector<uint64_t> latency_buckets_;  // counts per bound of kLatencyBounds (cumulative at print)
  double latency_sum_seconds_ = 0;

  // Used by the writer thread only.
  std::unique_ptr<pqxx::connection> conn_;
  PartitionCache partitions_;
  std::chrono::steady_clock::time_point retry_database_at_{};
  std::optional<CdrSpool::File> replaying_;  // the spool file being replayed
  size_t replay_next_ = 0;                   // its first record not yet in the database

  std::thread thread_;
};

}  // namespace c4::cdr
