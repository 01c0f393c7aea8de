#include "api/cdr/cdr_record.h"

#include <chrono>
#include <cstdio>
#include <random>

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
  return {{"id", cdr.spooled ? nlohmann::json(nullptr) : nlohmann::json(cdr.id)},
          {"tenant_uuid", r.tenant_uuid},
          {"carrier_trunk_id", or_null(r.carrier_trunk_id)},
          {"ipbx_id", or_null(r.ipbx_id)},
          {"source_ip", or_null(r.source_ip)},
          {"source_port", or_null(r.source_port)},
          {"call_id", r.call_id},
          {"from_uri", or_null(r.from_uri)},
          {"to_uri", or_null(r.to_uri)},
          {"call_start", r.call_start_us ? nlohmann::json(format_iso8601(*r.call_start_us)) : nlohmann::json(nullptr)},
          {"duration", or_null(r.duration)}};
}

std::string month_of(int64_t micros) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds{micros}};
  year_month_day date{floor<days>(tp)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-01", static_cast<int>(date.year()), static_cast<unsigned>(date.month()));
  return buf;
}


std::string new_ingest_key() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  using namespace std::chrono;
  auto ms = static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  uint64_t high = (ms << 16) | 0x7000 | (random() & 0x0fff);         // time, version 7, rand_a
  uint64_t low = (random() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10, rand_b
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return buf;
}

}  // namespace c4::cdr
