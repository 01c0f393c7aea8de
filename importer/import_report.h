// What an import could not carry over, or carried over differently, row by row.
//
// Every entry names the old table and the ids of the rows it is about, so nothing the old data
// holds is dropped silently. Entries with the same table, severity and message are merged and
// their ids written as ranges ("dids 1-10000"), so a million rows with the same fate make one
// line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace c4::importer {

class ImportReport {
 public:
  enum class Severity {
    // Carried over with a deliberate change of meaning (an old defect not kept); nothing lost.
    note,
    // Not carried over, or only in part: the operator must look. Makes the import exit 1.
    unmapped,
  };

  void note(const std::string& table, int64_t id, const std::string& message) { add(Severity::note, table, id, message); }
  void unmapped(const std::string& table, int64_t id, const std::string& message) {
    add(Severity::unmapped, table, id, message);
  }
  // A message about a table as a whole (no row id), e.g. the count of CDRs left behind.
  void table_note(const std::string& table, const std::string& message) { add(Severity::note, table, -1, message); }

  bool has_unmapped() const;
  size_t count(Severity severity) const;
  // One line per merged entry, unmapped first: "unmapped: dids 4, 9-12: regex ... (RE2: ...)".
  std::vector<std::string> lines() const;

 private:
  void add(Severity severity, const std::string& table, int64_t id, const std::string& message);
  using Key = std::tuple<Severity, std::string, std::string>;  // severity, table, message
  std::map<Key, std::vector<int64_t>> entries_;
  std::vector<Key> order_;  // first-seen order, so the report reads like the import ran
};

// "1-3, 7, 9-10" for ids given in any order (duplicates merged).
std::string id_ranges(std::vector<int64_t> ids);

}  // namespace c4::importer
