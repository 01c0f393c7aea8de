// A call detail record: what Kamailio posts at dialog end (CdrRecord) and what the database
// holds once it is committed (StoredCdr, the record plus its id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace c4::cdr {

struct CdrRecord {
  std::string tenant_uuid;                 // canonical lower-case UUID
  std::optional<int64_t> carrier_trunk_id;
  std::optional<int64_t> ipbx_id;
  std::optional<std::string> source_ip;    // canonical text (inet_ntop), valid for inet
  std::optional<int32_t> source_port;      // 0..65535
  std::string call_id;                     // non-empty
  std::optional<std::string> from_uri;
  std::optional<std::string> to_uri;
  // Both absent for a call that never started (kamailio-contract.md, section 3).
  std::optional<int64_t> call_start_us;    // microseconds since the epoch, UTC
  std::optional<int32_t> duration;         // seconds, >= 0
  // Unique per ingested CDR (a time-ordered UUID, made by the writer): what makes a replay from
  // the local spool store the CDR at most once. Empty until the writer takes the record.
  std::string ingest_key;
};

struct StoredCdr {
  int64_t id = 0;  // 0 when spooled
  CdrRecord record;
  // Made durable in the local spool (cdr_spool.h) while PostgreSQL was unavailable: the row, and
  // so its id, will exist once the spool is replayed.
  bool spooled = false;
};

// The record as the API answers it (ingest, search): the old service's field names,
// call_start as ISO-8601 with offset, absent values as null; id null for a spooled record.
nlohmann::json cdr_json(const StoredCdr& cdr);

// The first day of the UTC month of `micros`, as "YYYY-MM-01" (the partition it belongs to).
std::string month_of(int64_t micros);

// A new time-ordered UUID (version 7: 48 bits of Unix milliseconds, then random bits), so the
// index on ingest keys grows at its right edge like the id's. Thread-safe.
std::string new_ingest_key();

}  // namespace c4::cdr
