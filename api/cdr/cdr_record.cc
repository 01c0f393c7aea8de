#include "api/cdr/cdr_record.h"

#include <chrono>
#include <cstdio>

#include "api/cdr/cdr_time.h"

namespace c4::cdr {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json cdr_json(const StoredCdr& cdr) {
  const CdrRecord& r = cdr.record;
  return {{"id", cdr.id},
          {"tenant_uuid", r.tenant_uuid},
          {"carrier_trunk_id", or_null(r.carrier_trunk_id)},
          {"ipbx_id", or_null(r.ipbx_id)},
          {"source_ip", or_null(r.source_ip)},
          {"source_port", or_null(r.source_port)},
          {"call_id", r.call_id},
          {"from_uri", or_null(r.from_uri)},
          {"to_uri", or_null(r.to_uri)},
          {"call_start", format_iso8601(r.call_start_us)},
          {"duration", r.duration}};
}

std::string month_of(int64_t micros) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds{micros}};
  year_month_day date{floor<days>(tp)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-01", static_cast<int>(date.year()), static_cast<unsigned>(date.month()));
  return buf;
}

}  // namespace c4::cdr
