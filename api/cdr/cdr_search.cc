#include "api/cdr/cdr_search.h"

#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_rows.h"
#include "reconciler/database.h"

namespace c4::cdr {

api::HttpReply cdr_search_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  auto conn = pool.acquire();
  if (!conn) return database_failure_reply(conn.status());
  std::optional<api::HttpReply> reply;
  Status read = with_database(**conn, "searching CDRs", [&](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    auto filter = read_cdr_filter(txn, request, CdrEndpoint::search);
    if (auto* early = std::get_if<api::HttpReply>(&filter)) {
      reply = std::move(*early);
      return Status::ok();
    }
    const CdrFilter& f = std::get<CdrFilter>(filter);
    size_t limit = *f.limit;
    // One row more than the page tells whether there is a next page.
    auto rows = txn.exec(std::string("SELECT ") + kCdrSelectColumns + " FROM cdrs" + cdr_where_sql(txn, f) +
                         " ORDER BY call_start DESC, id DESC LIMIT " + std::to_string(limit + 1));
    nlohmann::json items = nlohmann::json::array();
    std::optional<CdrCursor> last;
    for (size_t i = 0; i < rows.size() && i < limit; ++i) {
      StoredCdr cdr = read_cdr_row(rows[i]);
      last = CdrCursor{cdr.record.call_start_us, cdr.id};
      items.push_back(cdr_json(cdr));
    }
    nlohmann::json next = rows.size() > limit ? nlohmann::json(encode_cursor(*last)) : nlohmann::json(nullptr);
    reply = api::json_reply(200, {{"items", std::move(items)}, {"next", std::move(next)}});
    return Status::ok();
  });
  if (!read) {
    conn->discard();
    return database_failure_reply(read);
  }
  return std::move(*reply);
}

}  // namespace c4::cdr
