// PostgreSQL connections and the translation of libpqxx exceptions into Status values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4 {

// Opens a connection to `url` (postgresql://user@host:port/db or a libpq key=value string).
// Fails with Status::unavailable when the server cannot be reached, carrying libpq's reason
// but never the password.
Result<std::unique_ptr<pqxx::connection>> connect_database(const std::string& url);

// Turns an exception thrown by libpqxx into a Status: broken connections and serialization
// failures are `unavailable` (retry), SQL errors `internal` (our bug or a schema mismatch).
Status database_error(const std::exception& e, const std::string& context);

// Runs f(pqxx::connection&) and turns any exception into a Status with `context`.
template <typename F>
Status with_database(pqxx::connection& conn, const std::string& context, F&& f) {
  try {
    return f(conn);
  } catch (const std::exception& e) {
    return database_error(e, context);
  }
}

// "{1,2,3}": `ids` as the text of a bigint[] parameter ("= ANY($1::bigint[])").
std::string id_array(const std::vector<int64_t>& ids);

}  // namespace c4
