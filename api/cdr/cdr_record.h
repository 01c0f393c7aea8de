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
  int64_t call_start_us = 0;               // microseconds since the epoch, UTC
  int32_t duration = 0;                    // seconds, >= 0
};

struct StoredCdr {
  int64_t id = 0;
  CdrRecord record;
};

// The record as the API answers it (ingest, search): the old service's field names,
// call_start as ISO-8601 with offset, absent values as null.
nlohmann::json cdr_json(const StoredCdr& cdr);

// The first day of the UTC month of `micros`, as "YYYY-MM-01" (the partition it belongs to).
std::string month_of(int64_t micros);

}  // namespace c4::cdr
