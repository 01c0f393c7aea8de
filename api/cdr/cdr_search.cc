#include "api/cdr/cdr_search.h"

#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_rows.h"
#include "store/database.h"

namespace c4::cdr {

api::HttpReply cdr_search_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  return answer_with_filter(pool, request, CdrEndpoint::search, "searching CDRs", [](pqxx::read_transaction& txn,
                                                                                    const CdrFilter& f) {
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
    return api::json_reply(200, {{"items", std::move(items)}, {"next", std::move(next)}});
  });
}

}  // namespace c4::cdr
