// The query parameters shared by GET /1.0/cdrs, /1.0/cdrs/stats and /1.0/cdrs.csv, and the
// SQL condition they become.
//
//   tenant            a tenant name or UUID; always intersected with the caller's scope: a name
//                     or UUID outside it is answered 404 like one that does not exist
//   from, to          call_start range [from, to): ISO-8601 or epoch seconds
//   call_id           exact
//   carrier_trunk_id, ipbx_id   exact, integers
//   caller_prefix, callee_prefix   prefix of the user part of from_uri / to_uri
//   limit             search: 1..1000, default 100; csv: optional, no maximum; not for stats
//   after             search and csv: the cursor a previous page returned as "next"
//   offset            search only, the old service's paging: rows to skip (0..1000000), after
//                     the cursor when `after` is given too; the answer then carries "total"
//                     (the matches, after the cursor if any: cdr_search.h)
//   group_by          stats only: none | trunk | ipbx | hour | day (UTC hours and days)
// Any other parameter is refused (a misspelt filter must not silently widen a result).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <pqxx/pqxx>

#include "api/cdr/cdr_cursor.h"
#include "store/connection_pool.h"
#include "api/cdr/field_error.h"
#include "api/http_reply.h"
#include "common/status.h"

namespace c4::cdr {

// `one`: GET /1.0/cdrs/{id}, which takes no parameter.
enum class CdrEndpoint { search, stats, csv, one };

struct CdrFilter {
  std::optional<std::string> tenant;     // the raw parameter, before resolution
  bool all_tenants = false;              // after resolution: no tenant condition at all
  std::vector<std::string> tenant_uuids; // after resolution, when !all_tenants (may be empty)
  std::optional<int64_t> from_us, to_us;
  std::optional<std::string> call_id;
  std::optional<int64_t> carrier_trunk_id, ipbx_id;
  std::optional<std::string> caller_prefix, callee_prefix;
  std::optional<size_t> limit;
  std::optional<CdrCursor> after;
  std::optional<int64_t> offset;
  std::string group_by = "none";
};

inline constexpr size_t kDefaultSearchLimit = 100;
inline constexpr size_t kMaxSearchLimit = 1000;
inline constexpr int64_t kMaxSearchOffset = 1000000;

// Checks every parameter of `request` for `endpoint`, without the database (the tenant stays
// unresolved). Thread-safe (pure).
std::variant<CdrFilter, FieldError> parse_cdr_filter(const api::ApiRequest& request, CdrEndpoint endpoint);

// parse_cdr_filter, then the tenant resolved through the tenants table and intersected with
// request.scope. The reply to send instead when a parameter is bad (400) or the tenant is
// unknown or out of scope (404).
std::variant<CdrFilter, api::HttpReply> read_cdr_filter(pqxx::transaction_base& txn, const api::ApiRequest& request,
                                                        CdrEndpoint endpoint);

// " WHERE …" on table cdrs for a resolved filter (values quoted through txn), including the
// keyset condition of `after`; "" when nothing restricts.
std::string cdr_where_sql(pqxx::transaction_base& txn, const CdrFilter& filter);

// The status a database failure of a read endpoint is answered with: 503 when retrying may
// help (connection lost, server down), 500 otherwise; api::database_failure_reply (no database
// detail in the body).
api::HttpReply database_failure_reply(const Status& status);

// The frame of the CDR read endpoints: a pooled connection, a read transaction, the request's
// filter for `endpoint` (its 400 reply is returned as is), then `answer`. A database failure
// (`what` names the work, "searching CDRs") is the 503 of database_failure_reply, and the
// connection is not reused.
api::HttpReply answer_with_filter(
    ConnectionPool& pool, const api::ApiRequest& request, CdrEndpoint endpoint, const std::string& what,
    const std::function<api::HttpReply(pqxx::read_transaction&, const CdrFilter&)>& answer);

}  // namespace c4::cdr
