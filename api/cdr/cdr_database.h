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

// Months ("YYYY-MM-01") whose cdrs partition this process has seen committed, so the
// partition function runs once per month, not once per batch. Not thread-safe: one per writer.
using PartitionCache = std::set<std::string>;

// Writes `records` atomically: the partitions of their months created first when missing
// (c4_cdr_partition; a month that cannot get its own partition — rows of it already in
// cdrs_default — stays in the default one), then one multi-row INSERT … RETURNING id that
// PostgreSQL commits before answering. Returns the stored records in the order given, only
// once committed. On error (unavailable when the connection broke, else internal) the batch
// is reported failed and the connection should be discarded: nothing of it was committed,
// except when the connection is lost during the commit itself (outcome unknown to anyone):
// such records are reported failed, never stored.
Result<std::vector<StoredCdr>> insert_cdr_batch(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                                PartitionCache& partitions);

}  // namespace c4::cdr
