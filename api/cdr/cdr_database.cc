#include "api/cdr/cdr_database.h"

#include "api/cdr/cdr_time.h"
#include "store/database.h"

namespace c4::cdr {
namespace {

template <typename T>
std::string number_or_null(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "NULL";
}

std::string sql_text_or_null(pqxx::transaction_base& tx, const std::optional<std::string>& v) {
  return v ? tx.quote(*v) : "NULL";
}

// One "(…)" of the VALUES list, in the column order of the INSERT below.
std::string values_row(pqxx::transaction_base& tx, const CdrRecord& r) {
  std::string row = "(";
  row += tx.quote(r.tenant_uuid) + ",";
  row += number_or_null(r.carrier_trunk_id) + ",";
  row += number_or_null(r.ipbx_id) + ",";
  row += sql_text_or_null(tx, r.source_ip) + ",";
  row += number_or_null(r.source_port) + ",";
  row += tx.quote(r.call_id) + ",";
  row += sql_text_or_null(tx, r.from_uri) + ",";
  row += sql_text_or_null(tx, r.to_uri) + ",";
  // ISO-8601 with an explicit offset: exact to the microsecond in any session time zone.
  row += (r.call_start_us ? tx.quote(format_iso8601(*r.call_start_us)) : std::string("NULL")) + ",";
  row += number_or_null(r.duration) + ",";
  row += r.ingest_key.empty() ? std::string("NULL") : tx.quote(r.ingest_key) + "::uuid";
  return row + ")";
}

constexpr const char* kInsertColumns =
    "INSERT INTO cdrs (tenant_uuid, carrier_trunk_id, ipbx_id, source_ip, source_port, call_id, from_uri, to_uri, "
    "call_start, duration, ingest_key) VALUES ";

std::string insert_sql(pqxx::transaction_base& tx, const std::vector<const CdrRecord*>& records) {
  std::string sql = kInsertColumns;
  for (size_t i = 0; i < records.size(); ++i) sql += (i ? "," : "") + values_row(tx, *records[i]);
  return sql;
}

// Creates the partitions of the months of `records` not in `known`, in their own transaction
// (an empty partition is harmless if the batch then fails), and adds them to `known`.
void ensure_partitions(pqxx::connection& conn, const std::vector<CdrRecord>& records, PartitionCache& known) {
  std::set<std::string> months;
  for (const auto& r : records)  // a record without call_start belongs to cdrs_default
    if (r.call_start_us && !known.count(month_of(*r.call_start_us))) months.insert(month_of(*r.call_start_us));
  if (months.empty()) return;
  pqxx::work txn(conn);
  for (const auto& month : months) {
    try {
      pqxx::subtransaction sub(txn, "partition");
      sub.exec("SELECT c4_cdr_partition(" + sub.quote(month) + "::date)");
      sub.commit();
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const std::exception&) {
      // Rows of this month already sit in cdrs_default (a partition cannot be carved out of
      // it), or another process is creating it: either way the rows have a home.
    }
  }
  txn.commit();
  known.insert(months.begin(), months.end());
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

Result<std::unique_ptr<pqxx::connection>> open_cdr_reader(const std::string& url) {
  return open_cdr_connection(url, "c4confd-cdr-reader");
}

Result<std::vector<StoredCdr>> insert_cdr_batch(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                                PartitionCache& partitions) {
  std::vector<StoredCdr> stored;
  if (records.empty()) return stored;
  std::string context = "writing a batch of " + std::to_string(records.size()) + " CDRs";
  try {
    ensure_partitions(conn, records, partitions);
    // One statement outside an explicit transaction: PostgreSQL commits it before it reports
    // completion (an error at commit comes instead of the result), so the whole batch costs
    // one round trip and one WAL flush, and a result means committed.
    pqxx::nontransaction tx(conn);
    std::vector<const CdrRecord*> all;
    for (const auto& r : records) all.push_back(&r);
    auto rows = tx.exec(insert_sql(tx, all) + " RETURNING id, call_id");
    if (rows.size() != records.size()) return Status::internal(context + ": " + std::to_string(rows.size()) + " ids returned");
    stored.reserve(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      // RETURNING follows the VALUES order; checked, since the answer of each waiter hangs on it.
      if (rows[i][1].as<std::string>() != records[i].call_id)
        return Status::internal(context + ": RETURNING rows out of VALUES order");
      stored.push_back(StoredCdr{rows[i][0].as<int64_t>(), records[i]});
    }
  } catch (const std::exception& e) {
    return cdr_database_error(e, context);
  }
  return stored;
}

Result<size_t> insert_cdrs_once(pqxx::connection& conn, const std::vector<CdrRecord>& records,
                                PartitionCache& partitions) {
  if (records.empty()) return size_t{0};
  std::string context = "replaying " + std::to_string(records.size()) + " spooled CDRs";
  try {
    ensure_partitions(conn, records, partitions);
    pqxx::work tx(conn);
    std::string keys = "{";
    for (size_t i = 0; i < records.size(); ++i) keys += (i ? "," : "") + records[i].ingest_key;
    std::set<std::string> present;
    for (const auto& row : tx.exec_params("SELECT ingest_key::text FROM cdrs WHERE ingest_key = ANY($1::uuid[])",
                                          keys + "}"))
      present.insert(row[0].as<std::string>());
    std::vector<const CdrRecord*> missing;
    for (const auto& r : records)
      if (!present.count(r.ingest_key)) missing.push_back(&r);
    if (!missing.empty()) tx.exec(insert_sql(tx, missing));
    tx.commit();
    return missing.size();
  } catch (const std::exception& e) {
    return cdr_database_error(e, context);
  }
}

Status cdr_database_error(const std::exception& e, const std::string& context) {
  std::string message = database_error(e, context).message();
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    std::string family = sql->sqlstate().substr(0, 2);
    if (family == "22" || family == "23" || family == "54" || family == "P0") return Status::invalid(message);
  }
  return Status::unavailable(message);
}

}  // namespace c4::cdr
