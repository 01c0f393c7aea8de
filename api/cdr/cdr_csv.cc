#include "api/cdr/cdr_csv.h"

#include "api/cdr/cdr_rows.h"
#include "api/cdr/cdr_time.h"
#include "store/database.h"

namespace c4::cdr {
namespace {

constexpr int kRowsPerChunk = 1000;

template <typename T>
std::string text_of(const std::optional<T>& v) {
  if (!v) return "";
  if constexpr (std::is_same_v<T, std::string>) return csv_text_field(*v);
  else return std::to_string(*v);
}

}  // namespace

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_text_field(std::string_view value) {
  // OWASP's list: the characters a spreadsheet takes as the start of a formula, plus TAB and
  // CR, which some strip before looking. "+33140000000" is prefixed too: a spreadsheet would
  // otherwise turn it into the number 33140000000 (or compute "+1-800…").
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    return csv_field("'" + std::string(value));
  return csv_field(value);
}

std::string cdr_csv_header() {
  return "id,tenant_uuid,carrier_trunk_id,ipbx_id,source_ip,source_port,call_id,from_uri,to_uri,call_start,duration\r\n";
}

std::string cdr_csv_line(const StoredCdr& cdr) {
  const CdrRecord& r = cdr.record;
  std::string line = std::to_string(cdr.id);
  for (const std::string& field :
       {r.tenant_uuid, text_of(r.carrier_trunk_id), text_of(r.ipbx_id), text_of(r.source_ip), text_of(r.source_port),
        csv_text_field(r.call_id), text_of(r.from_uri), text_of(r.to_uri),
        r.call_start_us ? format_iso8601(*r.call_start_us) : std::string(), text_of(r.duration)})
    line += "," + field;
  return line + "\r\n";
}

Status CdrCsvExport::write(const CsvSink& sink) const {
  auto conn = pool->acquire();
  if (!conn) return conn.status();
  Status status = with_database(**conn, "exporting CDRs as CSV", [&](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    std::string sql = std::string("SELECT ") + kCdrSelectColumns + " FROM cdrs" + cdr_where_sql(txn, filter) +
                      " ORDER BY call_start DESC, id DESC";
    if (filter.limit) sql += " LIMIT " + std::to_string(*filter.limit);
    // A cursor keeps memory flat however many rows match.
    txn.exec("DECLARE c4_cdr_csv NO SCROLL CURSOR FOR " + sql);
    if (!sink(cdr_csv_header())) return Status::ok();
    for (;;) {
      auto rows = txn.exec("FETCH " + std::to_string(kRowsPerChunk) + " FROM c4_cdr_csv");
      if (rows.empty()) break;
      std::string chunk;
      for (const auto& row : rows) chunk += cdr_csv_line(read_cdr_row(row));
      if (!sink(chunk)) break;
    }
    return Status::ok();
  });
  if (!status) conn->discard();
  return status;
}

std::variant<CdrCsvExport, api::HttpReply> prepare_cdr_csv(ConnectionPool& pool, const api::ApiRequest& request) {
  auto conn = pool.acquire();
  if (!conn) return database_failure_reply(conn.status());
  std::variant<CdrCsvExport, api::HttpReply> out = api::HttpReply{};
  Status read = with_database(**conn, "reading the CSV export's filter", [&](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    auto filter = read_cdr_filter(txn, request, CdrEndpoint::csv);
    if (auto* early = std::get_if<api::HttpReply>(&filter)) out = std::move(*early);
    else out = CdrCsvExport{&pool, std::get<CdrFilter>(std::move(filter))};
    return Status::ok();
  });
  if (!read) {
    conn->discard();
    return database_failure_reply(read);
  }
  return out;
}

api::HttpReply cdr_csv_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  auto prepared = prepare_cdr_csv(pool, request);
  if (auto* early = std::get_if<api::HttpReply>(&prepared)) return std::move(*early);
  api::HttpReply reply{200, kCsvContentType, ""};
  Status written = std::get<CdrCsvExport>(prepared).write([&](std::string_view chunk) {
    reply.body.append(chunk);
    return true;
  });
  if (!written) return database_failure_reply(written);
  return reply;
}

}  // namespace c4::cdr
