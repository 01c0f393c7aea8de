#include "api/cdr/cdr_stats.h"

#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_time.h"
#include "store/database.h"

namespace c4::cdr {
namespace {

struct Grouping {
  const char* key_name;  // JSON field of the key, nullptr for none
  const char* sql;       // key expression, nullptr for none
  bool is_time;          // key is epoch microseconds, answered as ISO-8601
};

Grouping grouping_of(const std::string& group_by) {
  if (group_by == "trunk") return {"carrier_trunk_id", "carrier_trunk_id", false};
  if (group_by == "ipbx") return {"ipbx_id", "ipbx_id", false};
  if (group_by == "hour")
    return {"period", "(extract(epoch FROM date_trunc('hour', call_start AT TIME ZONE 'UTC')) * 1000000)::bigint", true};
  if (group_by == "day")
    return {"period", "(extract(epoch FROM date_trunc('day', call_start AT TIME ZONE 'UTC')) * 1000000)::bigint", true};
  return {nullptr, nullptr, false};
}

nlohmann::json number_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.as<double>());
}

}  // namespace

api::HttpReply cdr_stats_reply(ConnectionPool& pool, const api::ApiRequest& request) {
  return answer_with_filter(pool, request, CdrEndpoint::stats, "computing CDR statistics",
                            [](pqxx::read_transaction& txn, const CdrFilter& f) {
    Grouping g = grouping_of(f.group_by);
    std::string sql = std::string("SELECT ") + (g.sql ? g.sql : "NULL") +
                      ", count(*), count(*) FILTER (WHERE duration > 0)"
                      ", (count(*) FILTER (WHERE duration > 0))::float8 / NULLIF(count(*), 0)"
                      ", (avg(duration) FILTER (WHERE duration > 0))::float8"
                      ", coalesce(sum(duration), 0)::float8 / 60"
                      " FROM cdrs" +
                      cdr_where_sql(txn, f);
    if (g.sql) sql += " GROUP BY 1 ORDER BY 1 NULLS LAST";
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : txn.exec(sql)) {
      nlohmann::json item;
      if (g.key_name) {
        if (row[0].is_null()) item[g.key_name] = nullptr;
        else if (g.is_time) item[g.key_name] = format_iso8601(row[0].as<int64_t>());
        else item[g.key_name] = row[0].as<int64_t>();
      }
      item["calls"] = row[1].as<int64_t>();
      item["answered"] = row[2].as<int64_t>();
      item["asr"] = number_or_null(row[3]);
      item["acd"] = number_or_null(row[4]);
      item["minutes"] = row[5].as<double>();
      items.push_back(std::move(item));
    }
    return api::json_reply(200, {{"group_by", f.group_by}, {"items", std::move(items)}});
  });
}

}  // namespace c4::cdr
