#include "api/cdr/cdr_rows.h"

namespace c4::cdr {
namespace {

template <typename T>
std::optional<T> optional_field(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

}  // namespace

// extract(epoch …) is numeric since PostgreSQL 14, so the microseconds are exact.
const char* const kCdrSelectColumns =
    "id, tenant_uuid::text, carrier_trunk_id, ipbx_id, host(source_ip), source_port, call_id, from_uri, "
    "to_uri, (extract(epoch FROM call_start) * 1000000)::bigint, duration";

StoredCdr read_cdr_row(const pqxx::row& row) {
  StoredCdr cdr;
  cdr.id = row[0].as<int64_t>();
  CdrRecord& r = cdr.record;
  r.tenant_uuid = row[1].as<std::string>();
  r.carrier_trunk_id = optional_field<int64_t>(row[2]);
  r.ipbx_id = optional_field<int64_t>(row[3]);
  r.source_ip = optional_field<std::string>(row[4]);
  r.source_port = optional_field<int32_t>(row[5]);
  r.call_id = row[6].as<std::string>();
  r.from_uri = optional_field<std::string>(row[7]);
  r.to_uri = optional_field<std::string>(row[8]);
  r.call_start_us = optional_field<int64_t>(row[9]);
  r.duration = optional_field<int32_t>(row[10]);
  return cdr;
}

}  // namespace c4::cdr
