// Reading the configuration of an old wazo-router-confd database.
#pragma once

#include <string>

#include <pqxx/pqxx>

#include "common/status.h"
#include "importer/legacy_rows.h"

namespace c4::importer {

// Reads every configuration table of the old service in one repeatable-read, read-only
// transaction (so a platform still being provisioned is read at one instant), each table with
// one COPY. Writes nothing. Fails with Status::invalid when a table or column the data model
// names is missing or a value does not read as its type (the message names table, id and
// column), Status::unavailable when the connection is lost.
Result<LegacyData> read_legacy_data(pqxx::connection& conn);

// Opens a connection to `url`; unavailable (the password never shown) when it fails.
Result<std::unique_ptr<pqxx::connection>> connect_legacy_database(const std::string& url);

}  // namespace c4::importer
