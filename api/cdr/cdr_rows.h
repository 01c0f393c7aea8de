// Reading CDR rows back: the one column list every read endpoint selects, and its decoding.
#pragma once

#include <pqxx/pqxx>

#include "api/cdr/cdr_record.h"

namespace c4::cdr {

// The select list matching read_cdr_row (call_start as exact epoch microseconds).
extern const char* const kCdrSelectColumns;

StoredCdr read_cdr_row(const pqxx::row& row);

}  // namespace c4::cdr
