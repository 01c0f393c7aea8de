// CdrSpool: the local, fsync'd file spool that keeps CDRs while PostgreSQL is unavailable
// (docs/cdrs.md, "When PostgreSQL is down").
//
// The writer appends a batch it could not commit and answers success only once append()
// returned ok: the records are then on disk (write, fdatasync, and an fsync of the directory
// when the file is new), so a crash of the process or of the machine keeps them. When the
// database answers again, the writer reads the oldest file (oldest()), inserts its records
// exactly once (insert_cdrs_once: a record's ingest key is looked up before it is inserted)
// and deletes the file (remove()). A crash between the COMMIT and the deletion replays the
// file at the next start, and the keys already stored are skipped.
//
// Layout of the directory: `lock` (an exclusive flock: one process per directory), spool files
// `cdrs-NNNNNNNNNNNNNNNN.jsonl` (NNNN… a hex sequence number: name order is age order), one
// JSON object per line ending in '\n'; `rejected-NNNN….jsonl` holds spooled CDRs the database
// later refused for their data (set_aside()), kept for an operator since they were answered
// success. A line without its final '\n' is the tail of an append a crash cut short: it was
// never acknowledged and is ignored.
//
// Bounded: append() refuses (Status::unavailable) records that would take the spool files
// beyond max_bytes, so the API answers 503 instead of success.
//
// Thread-safety: append, oldest, remove and set_aside are for one thread (the writer's);
// bytes() and records() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/cdr/cdr_record.h"
#include "common/status.h"

namespace c4::cdr {

struct CdrSpoolOptions {
  std::string dir;
  uint64_t max_bytes = uint64_t{1} << 30;       // all spool files together
  uint64_t max_file_bytes = uint64_t{16} << 20;  // a file is sealed past this (replayed whole)
};

class CdrSpool {
 public:
  // Creates `dir` (mode 0700) when missing, locks it, and counts the records that a previous
  // process left in it. Errors name the directory: unwritable, locked by another process.
  static Result<std::unique_ptr<CdrSpool>> open(CdrSpoolOptions options);
  ~CdrSpool();
  CdrSpool(const CdrSpool&) = delete;
  CdrSpool& operator=(const CdrSpool&) = delete;

  // Appends `records` (each with its ingest key) durably. On error (Status::unavailable: the
  // bound would be passed, or the disk refused) none of them is spooled.
  Status append(const std::vector<const CdrRecord*>& records);

  struct File {
    std::string path;
    std::vector<CdrRecord> records;
    uint64_t bytes = 0;
  };
  // The oldest spool file and its records; when only the file being appended to holds records
  // it is sealed first (later appends start a new file). nullopt when the spool is empty.
  Result<std::optional<File>> oldest();
  // Deletes `file` (from oldest()) once all its records are in the database.
  Status remove(const File& file);
  // Keeps `record` in a rejected-….jsonl file, with `why`, out of the spool's count.
  Status set_aside(const CdrRecord& record, const std::string& why);

  uint64_t bytes() const { return bytes_.load(); }
  uint64_t records() const { return records_.load(); }
  const std::string& dir() const { return options_.dir; }

 private:
  explicit CdrSpool(CdrSpoolOptions options) : options_(std::move(options)) {}
  Status scan();
  Status open_active();
  void seal_active();
  std::string file_name(const char* prefix, uint64_t sequence) const;

  const CdrSpoolOptions options_;
  int lock_fd_ = -1;
  int active_fd_ = -1;          // the file appended to, -1 when none is open
  std::string active_path_;
  uint64_t active_bytes_ = 0;
  uint64_t active_records_ = 0;
  uint64_t next_sequence_ = 1;
  std::vector<std::string> sealed_;  // files to replay, oldest first (not being appended to)
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> records_{0};
};

// One record as a spool line (JSON and '\n'), and back (nullopt for a line that is not one).
std::string spool_line(const CdrRecord& record);
std::optional<CdrRecord> parse_spool_line(std::string_view line);

}  // namespace c4::cdr
