#include "model/problem.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/escape.h"
#include "model/problem_rules.h"

namespace c4 {

std::string ObjectRef::display() const {
  if (kind.empty()) return "";
  std::string s = kind + " ";
  if (!tenant.empty()) s += tenant + "/";
  return s + (name.empty() ? "(unnamed)" : name);
}

// One line whatever the fields hold: control characters and bytes that are not UTF-8 (and, in
// the file name, backslashes) are escaped (common/escape.h), so a file name cannot forge a line
// or a terminal escape.
std::string Problem::to_text() const {
  // Everything but the file name (escaped in full, backslashes too) keeps its backslashes:
  // messages quote regexes.
  std::string s = escape_for_text(file, true);
  if (pos.line) s += ":" + std::to_string(pos.line);
  if (pos.column) s += ":" + std::to_string(pos.column);
  s += severity == Severity::error ? ": error: " : ": warning: ";
  std::string obj = escape_for_text(object.display());
  if (!obj.empty()) s += obj + " ";
  if (!pointer.empty()) s += escape_for_text(pointer) + " ";
  if (!obj.empty() || !pointer.empty()) s.replace(s.size() - 1, 1, ": ");
  return s + escape_for_text(message);
}

// Strings made valid UTF-8 (common/escape.h valid_utf8), so dumping never throws.
nlohmann::json Problem::to_json() const {
  return {
      {"severity", severity == Severity::error ? "error" : "warning"},
      {"file", valid_utf8(file)},
      {"line", pos.line},
      {"column", pos.column},
      {"pointer", valid_utf8(pointer)},
      {"kind", valid_utf8(object.kind)},
      {"tenant", valid_utf8(object.tenant)},
      {"name", valid_utf8(object.name)},
      {"message", valid_utf8(message)},
      {"rule", rule.empty() ? std::string(rules::kManifest) : rule},
  };
}

void Problems::append(const Problems& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Problems::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.file, a.pos.line, a.pos.column, a.message) <
           std::tie(b.file, b.pos.line, b.pos.column, b.message);
  });
}

size_t Problems::error_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Problem& p) { return p.severity == Problem::Severity::error; });
}

size_t Problems::warning_count() const { return items_.size() - error_count(); }

}  // namespace c4
