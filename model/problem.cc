#include "model/problem.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

namespace c4 {

std::string ObjectRef::display() const {
  if (kind.empty()) return "";
  std::string s = kind + " ";
  if (!tenant.empty()) s += tenant + "/";
  return s + (name.empty() ? "(unnamed)" : name);
}

std::string Problem::to_text() const {
  std::string s = file;
  if (pos.line) s += ":" + std::to_string(pos.line);
  if (pos.column) s += ":" + std::to_string(pos.column);
  s += severity == Severity::error ? ": error: " : ": warning: ";
  std::string obj = object.display();
  if (!obj.empty()) s += obj + " ";
  if (!pointer.empty()) s += pointer + " ";
  if (!obj.empty() || !pointer.empty()) s.replace(s.size() - 1, 1, ": ");
  return s + message;
}

nlohmann::json Problem::to_json() const {
  return {
      {"severity", severity == Severity::error ? "error" : "warning"},
      {"file", file},
      {"line", pos.line},
      {"column", pos.column},
      {"pointer", pointer},
      {"kind", object.kind},
      {"tenant", object.tenant},
      {"name", object.name},
      {"message", message},
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
