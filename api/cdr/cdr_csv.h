// GET /1.0/cdrs.csv: the CDRs a filter selects as CSV (RFC 4180), streamed.
//
// Columns: id, tenant_uuid, carrier_trunk_id, ipbx_id, source_ip, source_port, call_id,
// from_uri, to_uri, call_start (ISO-8601), duration; a header line first; lines end with CRLF;
// a field is quoted when it holds a comma, a double quote, CR or LF, quotes doubled; null is
// an empty field. Rows come newest first, as in search; `limit` is optional and unbounded.
// Text a caller chose (call_id, from_uri, to_uri) that starts with = + - @ TAB or CR gets a
// leading ' so that a spreadsheet shows it as text instead of running it as a formula
// (CSV injection, OWASP); docs/cdrs.md says how to read such a cell back.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "api/cdr/cdr_filter.h"
#include "api/cdr/cdr_record.h"
#include "store/connection_pool.h"
#include "api/http_reply.h"

namespace c4::cdr {

inline constexpr const char* kCsvContentType = "text/csv; charset=utf-8";

// `value` as one RFC 4180 field.
std::string csv_field(std::string_view value);
// `value` (text from outside) as one RFC 4180 field that no spreadsheet evaluates: prefixed
// with ' when it starts with = + - @ TAB or CR, then quoted as csv_field does.
std::string csv_text_field(std::string_view value);
// The header line, and one CDR as a line (both with CRLF).
std::string cdr_csv_header();
std::string cdr_csv_line(const StoredCdr& cdr);

// Receives the export chunk by chunk (a header, then about a thousand lines each); returns
// false to stop early (the client went away).
using CsvSink = std::function<bool(std::string_view chunk)>;

// A validated, tenant-resolved export, ready to stream. For a chunked HTTP response the server
// calls prepare_cdr_csv in the handler (to answer 400/404 before any header is sent), then
// write() from its content provider. An error in write() happens after the 200 was sent: the
// body is then cut short (the caller should close the connection) and the Status says why.
struct CdrCsvExport {
  ConnectionPool* pool = nullptr;  // not owned; must outlive write()
  CdrFilter filter;

  Status write(const CsvSink& sink) const;
};

std::variant<CdrCsvExport, api::HttpReply> prepare_cdr_csv(ConnectionPool& pool, const api::ApiRequest& request);

// prepare_cdr_csv + write into one body: 200 text/csv, or the 400/404/503 error reply.
api::HttpReply cdr_csv_reply(ConnectionPool& pool, const api::ApiRequest& request);

}  // namespace c4::cdr
