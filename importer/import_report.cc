#include "importer/import_report.h"

#include <algorithm>

namespace c4::importer {

void ImportReport::add(Severity severity, const std::string& table, int64_t id, const std::string& message) {
  Key key{severity, table, message};
  auto [it, fresh] = entries_.try_emplace(key);
  if (fresh) order_.push_back(key);
  if (id >= 0) it->second.push_back(id);
}

bool ImportReport::has_unmapped() const { return count(Severity::unmapped) > 0; }

size_t ImportReport::count(Severity severity) const {
  size_t n = 0;
  for (const auto& [key, ids] : entries_)
    if (std::get<0>(key) == severity) n += ids.empty() ? 1 : ids.size();
  return n;
}

std::string id_ranges(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(ids[i]);
    if (j > i) out += "-" + std::to_string(ids[j]);
    i = j + 1;
  }
  return out;
}

std::vector<std::string> ImportReport::lines() const {
  std::vector<std::string> out;
  for (Severity wanted : {Severity::unmapped, Severity::note})
    for (const auto& key : order_) {
      const auto& [severity, table, message] = key;
      if (severity != wanted) continue;
      const auto& ids = entries_.at(key);
      std::string where = table + (ids.empty() ? "" : " " + id_ranges(ids));
      out.push_back(std::string(severity == Severity::unmapped ? "unmapped: " : "note: ") + where + ": " + message);
    }
  return out;
}

}  // namespace c4::importer
