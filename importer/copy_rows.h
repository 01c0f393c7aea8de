// Reading a whole table with COPY ... TO STDOUT (text format): one round trip and a stream of
// lines, so a million DIDs cost one query instead of a million fetches.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4::importer {

// One row of a COPY: each field decoded from the text format (backslash escapes), nullopt for
// \N (SQL NULL).
class CopyRow {
 public:
  const std::vector<std::optional<std::string>>& fields() const { return fields_; }
  // The accessors below fail with Status::invalid naming `table`, the row's first field (its
  // id) and the column when a value is missing where required or does not read as its type.
  Result<std::string> text(size_t i) const;                  // NULL → ""
  std::optional<std::string> optional_text(size_t i) const;  // NULL → nullopt
  Result<int64_t> integer(size_t i, std::optional<int64_t> if_null = std::nullopt) const;
  Result<std::optional<int64_t>> optional_integer(size_t i) const;
  Result<bool> boolean(size_t i, bool if_null = false) const;

 private:
  friend Status copy_table(pqxx::transaction_base&, const std::string&, const std::vector<std::string>&,
                           const std::function<Status(const CopyRow&)>&);
  std::string where(size_t i) const;
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<std::optional<std::string>> fields_;
};

// Decodes one COPY text line into `fields` (tab-separated, \N = NULL, \t \n \\ \NNN escapes).
void split_copy_line(std::string_view line, std::vector<std::optional<std::string>>& fields);

// Streams every row of `table` (only `columns`, in that order) to `each`, stopping at the first
// error it returns. A row with the wrong number of fields is invalid. libpqxx exceptions become
// Status values (unavailable for a lost connection, invalid for a missing table or column).
Status copy_table(pqxx::transaction_base& txn, const std::string& table, const std::vector<std::string>& columns,
                  const std::function<Status(const CopyRow&)>& each);

}  // namespace c4::importer
