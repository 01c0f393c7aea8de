// Validation of a whole manifest tree: parse → header → schema → decode → index → checks.
#pragma once

#include <vector>

#include "model/catalog.h"
#include "model/schema_set.h"
#include "model/yaml_source.h"

namespace c4 {

struct ValidationReport {
  Catalog catalog;    // every object that passed its schema (even when checks found errors)
  Problems problems;  // sorted by file, line, column
  size_t files = 0;
  size_t documents = 0;
  bool ok() const { return !problems.has_errors(); }
};

// Validates `sources` as one revision. Files are parsed on up to `threads` threads (0: one per
// core); the result does not depend on the thread count. Never throws.
ValidationReport validate_sources(const std::vector<SourceText>& sources, const SchemaSet& schemas,
                                  unsigned threads = 0);

}  // namespace c4
