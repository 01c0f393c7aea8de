// Connections for CDR work, and the writing of a batch of CDRs in one transaction.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "api/cdr/cdr_record.h"
#include "common/status.h"

namespace c4::cdr {

// Opens a connection with session time zone UTC (month partitions and hour/day groups are UTC
// months and hours) and `application_name` (so operators and tests can find it in
// pg_stat_activity). Status::unavailable when the server cannot be reached.
Result<std::unique_ptr<pqxx::connection>> open_cdr_connection(const std::string& url,
                                                              const std::string& application_name);

// open_cdr_connection named "c4confd-cdr-reader": the opener of the CDR readers' pool
// (ConnectionPool of store/connection_pool.h; call_handling.cc, the tests).
Result<std::unique_ptr<pqxx::connection>> open_cdr_reader(const std::string& url);

// Months ("YYYY-MM-01") whose cdrs partition this process has seen committed, so the
// partition function runs once per month, not once per batch. Not thread-safe: one per writer.
using PartitionCache = std::set<std::string>;

// Writes `records` atomically (with their ingest keys): the partitions of their months created first when missing
// (c4_cdr_partition; a month that cannot get its own partition — rows of it already in
// cdrs_default — stays in the default one), then one multi-row INSERT … RETURNING id that
// PostgreSQL commits before answering. Returns the stored records in the order given, only
// once committed. On error (unavailable when the connection broke, else internal) the batch
// is reported failed and the connection should be discarded: nothing of it was committed,
// except when the connection is lost during the commit itself (outcome unknown to anyone):
// such records are reported failed, never stored (a replay by ingest key settles them).
// Errors are classified by cdr_database_error.
Result<std::vector<StoredCdr>> insert_cdr_batch(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                                PartitionCache& partitions);

// The replay of spooled records: inserts, in one transaction, those of `records` whose
// ingest_key (REQUIRES: set on each) no row of cdrs holds yet, and returns how many it
// inserted. Run again after any outcome (a crash, a lost COMMIT), it stores nothing twice,
// provided nobody else inserts these keys meanwhile (one replayer per spool directory).
Result<size_t> insert_cdrs_once(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                PartitionCache& partitions);

// A CDR write's exception as a Status: Status::invalid when the database refused the data of
// a record (SQLSTATE classes 22 data exception, 23 integrity violation, 54 program limit such
// as an index entry too large, P0 raised by a trigger), so that retrying the records one by
// one isolates the bad one; Status::unavailable for everything else (connection lost, server
// shutting down, disk full, read-only, missing table…), which no record can fix alone.
Status cdr_database_error(const std::exception& e, const std::string& context);

}  // namespace c4::cdr
