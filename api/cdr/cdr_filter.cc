#include "api/cdr/cdr_filter.h"

#include <set>

#include "api/cdr/cdr_time.h"
#include "api/database_reply.h"
#include "common/text.h"
#include "common/utf8.h"
#include "store/database.h"
#include "common/uuid.h"

namespace c4::cdr {
namespace {

const std::set<std::string>& allowed_parameters(CdrEndpoint endpoint) {
  static const std::set<std::string> search = {"tenant",        "from",          "to",    "call_id",
                                               "carrier_trunk_id", "ipbx_id",  "caller_prefix",
                                               "callee_prefix", "limit",         "after", "offset"};
  static const std::set<std::string> csv = {"tenant",        "from",          "to",    "call_id",
                                            "carrier_trunk_id", "ipbx_id",  "caller_prefix",
                                            "callee_prefix", "limit",         "after"};
  static const std::set<std::string> none = {};
  static const std::set<std::string> stats = {"tenant",  "from",          "to",           "call_id",
                                              "carrier_trunk_id", "ipbx_id", "caller_prefix",
                                              "callee_prefix", "group_by"};
  switch (endpoint) {
    case CdrEndpoint::search: return search;
    case CdrEndpoint::stats: return stats;
    case CdrEndpoint::csv: return csv;
    case CdrEndpoint::one: return none;
  }
  return none;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::optional<FieldError> parse_integer(const std::string& name, const std::string& text, int64_t low, int64_t high,
                                        int64_t& out) {
  bool digits = !text.empty() && text.size() <= 18;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits) return FieldError{name, name + ": must be an integer, got \"" + text + "\""};
  out = std::stoll(text);
  if (out < low || out > high)
    return FieldError{name, name + ": must be between " + std::to_string(low) + " and " + std::to_string(high) +
                                ", got " + text};
  return std::nullopt;
}

std::optional<FieldError> apply_parameter(CdrFilter& f, CdrEndpoint endpoint, const std::string& name,
                                          const std::string& value) {
  if (value.find('\0') != std::string::npos) return FieldError{name, name + ": must not contain NUL characters"};
  if (!is_valid_utf8(value)) return FieldError{name, name + ": must be UTF-8 text"};
  if (name == "tenant") {
    if (value.empty()) return FieldError{name, "tenant: must be a tenant name or UUID, got nothing"};
    f.tenant = value;
  } else if (name == "from" || name == "to") {
    std::string why;
    auto t = parse_time_text(value, why);
    if (!t) return FieldError{name, name + ": " + why + ", got \"" + value + "\""};
    (name == "from" ? f.from_us : f.to_us) = *t;
  } else if (name == "call_id") {
    if (value.empty()) return FieldError{name, "call_id: must not be empty"};
    f.call_id = value;
  } else if (name == "carrier_trunk_id" || name == "ipbx_id") {
    int64_t id = 0;
    if (auto e = parse_integer(name, value, 0, INT64_MAX / 10, id)) return e;
    (name == "ipbx_id" ? f.ipbx_id : f.carrier_trunk_id) = id;
  } else if (name == "caller_prefix" || name == "callee_prefix") {
    if (value.empty()) return FieldError{name, name + ": must not be empty"};
    (name == "caller_prefix" ? f.caller_prefix : f.callee_prefix) = value;
  } else if (name == "limit") {
    int64_t limit = 0;
    int64_t high = endpoint == CdrEndpoint::search ? static_cast<int64_t>(kMaxSearchLimit) : INT64_MAX / 10;
    if (auto e = parse_integer(name, value, 1, high, limit)) return e;
    f.limit = static_cast<size_t>(limit);
  } else if (name == "after") {
    auto cursor = decode_cursor(value);
    if (!cursor) return FieldError{name, "after: not a cursor returned as \"next\" by this API, got \"" + value + "\""};
    f.after = *cursor;
  } else if (name == "offset") {
    int64_t offset = 0;
    if (auto e = parse_integer(name, value, 0, kMaxSearchOffset, offset)) return e;
    f.offset = offset;
  } else if (name == "group_by") {
    if (value != "none" && value != "trunk" && value != "ipbx" && value != "hour" && value != "day")
      return FieldError{name, "group_by: must be one of none, trunk, ipbx, hour, day, got \"" + value + "\""};
    f.group_by = value;
  }
  return std::nullopt;
}

// The LIKE pattern matching values that start with `prefix` (%, _ and \ taken literally).
std::string like_prefix(const std::string& prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + '%';
}

std::string timestamp_literal(pqxx::transaction_base& txn, int64_t micros) {
  return txn.quote(format_iso8601(micros)) + "::timestamptz";
}

// Characters kept in the indexes of call_id, from_user and to_user (migration 0005).
constexpr size_t kIndexedHead = 200;

// The first `n` characters (UTF-8 code points) of `s`, and whether `s` has more.
std::pair<std::string, bool> utf8_head(const std::string& s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) continue;  // continuation byte
    if (chars++ == n) return {s.substr(0, i), true};
  }
  return {s, false};
}

// left(column, 200) = head: the indexed condition an exact match implies.
std::string head_sql(const char* column, pqxx::transaction_base& txn, const std::string& value) {
  return "left(" + std::string(column) + ", " + std::to_string(kIndexedHead) + ") = " +
         txn.quote(utf8_head(value, kIndexedHead).first);
}

// column LIKE 'prefix%', written on the indexed head of the column: a prefix within the head is
// a LIKE on the head; a longer one matches the head exactly, then the whole value.
std::string prefix_sql(const char* column, pqxx::transaction_base& txn, const std::string& prefix) {
  std::string head = "left(" + std::string(column) + ", " + std::to_string(kIndexedHead) + ")";
  if (!utf8_head(prefix, kIndexedHead).second) return head + " LIKE " + txn.quote(like_prefix(prefix));
  return head_sql(column, txn, prefix) + " AND " + column + " LIKE " + txn.quote(like_prefix(prefix));
}

// The rows after `cursor` in the order ORDER BY call_start DESC, id DESC, where rows without
// call_start come first (PostgreSQL sorts NULL first in DESC order).
std::string after_sql(pqxx::transaction_base& txn, const CdrCursor& cursor) {
  std::string id = std::to_string(cursor.id);
  if (!cursor.call_start_us) return "((call_start IS NULL AND id < " + id + ") OR call_start IS NOT NULL)";
  return "(call_start, id) < (" + timestamp_literal(txn, *cursor.call_start_us) + ", " + id + ")";
}

}  // namespace

std::variant<CdrFilter, FieldError> parse_cdr_filter(const api::ApiRequest& request, CdrEndpoint endpoint) {
  CdrFilter f;
  const auto& allowed = allowed_parameters(endpoint);
  std::set<std::string> seen;
  for (const auto& [name, value] : request.query) {
    if (!allowed.count(name))
      return FieldError{name, "unknown parameter '" + name + "'; this path takes " + join(allowed)};
    if (!seen.insert(name).second) return FieldError{name, name + ": given more than once"};
    if (auto e = apply_parameter(f, endpoint, name, value)) return *e;
  }
  if (f.from_us && f.to_us && *f.from_us > *f.to_us)
    return FieldError{"to", "to: must not be before from (" + format_iso8601(*f.from_us) + ")"};
  if (endpoint == CdrEndpoint::search && !f.limit) f.limit = kDefaultSearchLimit;
  return f;
}

std::variant<CdrFilter, api::HttpReply> read_cdr_filter(pqxx::transaction_base& txn, const api::ApiRequest& request,
                                                        CdrEndpoint endpoint) {
  auto parsed = parse_cdr_filter(request, endpoint);
  if (auto* bad = std::get_if<FieldError>(&parsed)) return field_error_reply(*bad, "query");
  CdrFilter f = std::get<CdrFilter>(std::move(parsed));
  const api::TenantScope& scope = request.scope;
  if (!f.tenant) {
    f.all_tenants = scope.all;
    if (!scope.all) f.tenant_uuids = scope.tenant_uuids;
    return f;
  }
  std::optional<std::string> uuid;
  if (is_uuid(*f.tenant)) {
    uuid = ascii_lower(*f.tenant);
  } else {
    auto rows = txn.exec_params("SELECT uuid::text FROM tenants WHERE name = $1", *f.tenant);
    if (!rows.empty()) uuid = rows[0][0].as<std::string>();
  }
  // Out of scope looks exactly like unknown: a token learns nothing about other tenants.
  if (!uuid || !scope.allows(*uuid))
    return api::error_reply(404, "not_found", "tenant '" + *f.tenant + "' not found", {{"field", "tenant"}});
  f.tenant_uuids = {*uuid};
  return f;
}

std::string cdr_where_sql(pqxx::transaction_base& txn, const CdrFilter& f) {
  std::vector<std::string> terms;
  if (!f.all_tenants) {
    if (f.tenant_uuids.empty()) {
      terms.push_back("false");
    } else {
      std::string list;
      for (const auto& uuid : f.tenant_uuids) list += (list.empty() ? "" : ", ") + txn.quote(uuid) + "::uuid";
      terms.push_back(f.tenant_uuids.size() == 1 ? "tenant_uuid = " + list : "tenant_uuid IN (" + list + ")");
    }
  }
  if (f.from_us) terms.push_back("call_start >= " + timestamp_literal(txn, *f.from_us));
  if (f.to_us) terms.push_back("call_start < " + timestamp_literal(txn, *f.to_us));
  // The indexes hold the head of these caller-controlled values (migration 0005).
  if (f.call_id) terms.push_back(head_sql("call_id", txn, *f.call_id) + " AND call_id = " + txn.quote(*f.call_id));
  if (f.carrier_trunk_id) terms.push_back("carrier_trunk_id = " + std::to_string(*f.carrier_trunk_id));
  if (f.ipbx_id) terms.push_back("ipbx_id = " + std::to_string(*f.ipbx_id));
  if (f.caller_prefix) terms.push_back(prefix_sql("from_user", txn, *f.caller_prefix));
  if (f.callee_prefix) terms.push_back(prefix_sql("to_user", txn, *f.callee_prefix));
  if (f.after) terms.push_back(after_sql(txn, *f.after));
  std::string sql;
  for (const auto& t : terms) sql += (sql.empty() ? " WHERE " : " AND ") + t;
  return sql;
}

api::HttpReply database_failure_reply(const Status& status) {
  return api::database_failure_reply(status, "reading CDRs");
}

api::HttpReply answer_with_filter(
    ConnectionPool& pool, const api::ApiRequest& request, CdrEndpoint endpoint, const std::string& what,
    const std::function<api::HttpReply(pqxx::read_transaction&, const CdrFilter&)>& answer) {
  auto conn = pool.acquire();
  if (!conn) return database_failure_reply(conn.status());
  std::optional<api::HttpReply> reply;
  Status read = with_database(**conn, what, [&](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    auto filter = read_cdr_filter(txn, request, endpoint);
    if (auto* early = std::get_if<api::HttpReply>(&filter)) reply = std::move(*early);
    else reply = answer(txn, std::get<CdrFilter>(filter));
    return Status::ok();
  });
  if (!read) {
    conn->discard();
    return database_failure_reply(read);
  }
  return std::move(*reply);
}

}  // namespace c4::cdr
