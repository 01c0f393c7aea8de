#include "api/cdr/cdr_database.h"

#include <tuple>

#include "api/cdr/cdr_time.h"
#include "reconciler/database.h"

namespace c4::cdr {
namespace {

// The columns COPY writes, in the order of copy_row's tuple.
const std::vector<std::string> kCopyColumns = {"id",      "tenant_uuid", "carrier_trunk_id", "ipbx_id",
                                               "source_ip", "source_port", "call_id",          "from_uri",
                                               "to_uri",  "call_start",  "duration"};

// COPY text of one record: every field a string or NULL (nullptr), as pqxx's stream_to takes.
struct CopyRow {
  std::string id, trunk, ipbx, port, call_start, duration;

  CopyRow(const StoredCdr& cdr) {
    const CdrRecord& r = cdr.record;
    id = std::to_string(cdr.id);
    if (r.carrier_trunk_id) trunk = std::to_string(*r.carrier_trunk_id);
    if (r.ipbx_id) ipbx = std::to_string(*r.ipbx_id);
    if (r.source_port) port = std::to_string(*r.source_port);
    // ISO-8601 with an explicit offset: exact to the microsecond in any session time zone.
    call_start = format_iso8601(r.call_start_us);
    duration = std::to_string(r.duration);
  }
};

const char* text_or_null(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }
const char* text_or_null(const std::string& s, bool present) { return present ? s.c_str() : nullptr; }

void ensure_partitions(pqxx::work& txn, const std::vector<CdrRecord>& records, const PartitionCache& known,
                       std::set<std::string>& created) {
  std::set<std::string> months;
  for (const auto& r : records) months.insert(month_of(r.call_start_us));
  for (const auto& month : months) {
    if (known.count(month)) continue;
    try {
      pqxx::subtransaction sub(txn, "partition");
      sub.exec("SELECT c4_cdr_partition(" + sub.quote(month) + "::date)");
      sub.commit();
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const std::exception&) {
      // Rows of this month are already in cdrs_default (or another process is creating the
      // partition): the rows still have a home, the default partition or the new one.
    }
    created.insert(month);
  }
}

}  // namespace

Result<std::unique_ptr<pqxx::connection>> open_cdr_connection(const std::string& url,
                                                              const std::string& application_name) {
  auto conn = connect_database(url);
  if (!conn) return conn.status();
  try {
    (*conn)->set_variable("TimeZone", "'UTC'");
    (*conn)->set_variable("application_name", (*conn)->quote(application_name));
  } catch (const std::exception& e) {
    return database_error(e, "setting up the CDR connection");
  }
  return std::move(conn.value());
}

Result<std::vector<StoredCdr>> insert_cdr_batch(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                                PartitionCache& partitions) {
  std::vector<StoredCdr> stored;
  if (records.empty()) return stored;
  std::set<std::string> created;
  try {
    pqxx::work txn(conn);
    ensure_partitions(txn, records, partitions, created);
    // COPY cannot return generated ids, so draw them first; COPY then writes them into the
    // GENERATED ALWAYS column, which PostgreSQL allows for COPY.
    auto ids = txn.exec("SELECT nextval(pg_get_serial_sequence('cdrs', 'id')) FROM generate_series(1, " +
                        std::to_string(records.size()) + ")");
    stored.reserve(records.size());
    for (size_t i = 0; i < records.size(); ++i) stored.push_back(StoredCdr{ids[i][0].as<int64_t>(), records[i]});

    pqxx::stream_to copy(txn, "cdrs", kCopyColumns);
    for (const auto& cdr : stored) {
      const CdrRecord& r = cdr.record;
      CopyRow row(cdr);
      copy << std::make_tuple(row.id.c_str(), r.tenant_uuid.c_str(), text_or_null(row.trunk, r.carrier_trunk_id.has_value()),
                              text_or_null(row.ipbx, r.ipbx_id.has_value()), text_or_null(r.source_ip),
                              text_or_null(row.port, r.source_port.has_value()), r.call_id.c_str(),
                              text_or_null(r.from_uri), text_or_null(r.to_uri), row.call_start.c_str(),
                              row.duration.c_str());
    }
    copy.complete();
    txn.commit();
  } catch (const std::exception& e) {
    return database_error(e, "writing a batch of " + std::to_string(records.size()) + " CDRs");
  }
  partitions.insert(created.begin(), created.end());
  return stored;
}

}  // namespace c4::cdr
