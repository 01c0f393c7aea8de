// A Problem is one finding of validation: where it is (file:line:column and the JSON pointer
// inside the document), which object it concerns, and a plain-language message. Validation
// collects every problem in one run instead of stopping at the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace c4 {

struct SourcePos {
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown
};

// Identifies a manifest object in messages: "DID acme/main-block".
struct ObjectRef {
  std::string kind;
  std::string tenant;  // empty for cluster-scoped kinds
  std::string name;
  std::string display() const;
};

struct Problem {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;
  SourcePos pos;
  std::string pointer;  // JSON pointer inside the document, "" for the document itself
  ObjectRef object;     // may be partly empty when the document is too broken to name
  std::string message;
  // The check that found it, a stable id (model/problem_rules.h: "yaml", "schema", ...):
  // SARIF's rule and GitHub's annotation title.
  std::string rule;

  // "file:line:col: error: DID acme/x /spec/ipbx: message"
  std::string to_text() const;
  nlohmann::json to_json() const;
};

class Problems {
 public:
  void add(Problem p) { items_.push_back(std::move(p)); }
  void append(const Problems& other);
  // Sorted by file, line, column, then message, so output is stable whatever the load order.
  void sort();
  size_t error_count() const;
  size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  const std::vector<Problem>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Problem> items_;
};

}  // namespace c4
