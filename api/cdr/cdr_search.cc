#include "api/cdr/cdr_search.h"

#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_rows.h"
#include "store/database.h"
#include "api/error_vocabulary.h"

namespace c4::cdr {

api::HttpReply cdr_search_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  return answer_with_filter(pool, request, CdrEndpoint::search, "searching CDRs", [](pqxx::read_transaction& txn,
                                                                                    const CdrFilter& f) {
    size_t limit = *f.limit;
    // One row more than the page tells whether there is a next page.
    std::string where = cdr_where_sql(txn, f);
    auto rows = txn.exec(std::string("SELECT ") + kCdrSelectColumns + " FROM cdrs" + where +
                         " ORDER BY call_start DESC, id DESC LIMIT " + std::to_string(limit + 1) +
                         (f.offset ? " OFFSET " + std::to_string(*f.offset) : ""));
    nlohmann::json items = nlohmann::json::array();
    std::optional<CdrCursor> last;
    for (size_t i = 0; i < rows.size() && i < limit; ++i) {
      StoredCdr cdr = read_cdr_row(rows[i]);
      last = CdrCursor{cdr.record.call_start_us, cdr.id};
      items.push_back(cdr_json(cdr));
    }
    nlohmann::json next = rows.size() > limit ? nlohmann::json(encode_cursor(*last)) : nlohmann::json(nullptr);
    nlohmann::json page = {{"items", std::move(items)}, {"next", std::move(next)}};
    // The old service's paging (offset) came with the count of every match.
    if (f.offset) page["total"] = txn.exec1("SELECT count(*) FROM cdrs" + where)[0].as<int64_t>();
    return api::json_reply(200, page);
  });
}

api::HttpReply cdr_by_id_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  const std::string& text = request.path_params.at("id");
  bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoll(text) < 1)
    return api::invalid_input_reply("path", "id", "path parameter id: \"" + text + "\" is not a positive whole number");
  std::string id = std::to_string(std::stoll(text));
  return answer_with_filter(pool, request, CdrEndpoint::one, "reading a CDR", [&](pqxx::read_transaction& txn,
                                                                                const CdrFilter& f) {
    std::string where = cdr_where_sql(txn, f);
    where += (where.empty() ? " WHERE " : " AND ") + std::string("id = ") + id;
    auto rows = txn.exec(std::string("SELECT ") + kCdrSelectColumns + " FROM cdrs" + where + " LIMIT 1");
    // Another tenant's CDR looks exactly like a missing one.
    if (rows.empty()) return api::error_reply(404, api::error_codes::not_found, "no CDR with id " + id);
    return api::json_reply(200, cdr_json(read_cdr_row(rows[0])));
  });
}

}  // namespace c4::cdr
