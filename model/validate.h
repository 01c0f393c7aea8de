// Validation of a whole manifest tree: parse → header → schema → decode → index → checks.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "model/catalog.h"
#include "model/schema_set.h"
#include "model/secret_policy.h"
#include "model/yaml_source.h"

namespace c4 {

struct ValidationReport {
  Catalog catalog;    // every object that passed its schema (even when checks found errors)
  Problems problems;  // sorted by file, line, column
  size_t files = 0;
  size_t documents = 0;
  bool ok() const { return !problems.has_errors(); }
};

// What one file contributed to a revision: its objects and its own problems (the ones a file
// shows alone: syntax, schema, values). Immutable once made, so revisions can share it.
struct FileValidation {
  Catalog catalog;
  Problems problems;
  size_t documents = 0;
};

// File results of the last revision, keyed by path and content id, so a reconcile re-parses
// only the files that changed. Not thread-safe; one per reconciler.
class FileValidationCache {
 public:
  std::shared_ptr<const FileValidation> find(const SourceText& source) const;
  // Replaces the whole cache with `entries` (those of the revision just validated).
  void reset(std::map<std::string, std::shared_ptr<const FileValidation>> entries) { entries_ = std::move(entries); }
  // Adds (or replaces) the result of the file with this key().
  void insert(const std::string& key, std::shared_ptr<const FileValidation> entry) { entries_[key] = std::move(entry); }
  const std::map<std::string, std::shared_ptr<const FileValidation>>& entries() const { return entries_; }
  static std::string key(const SourceText& source) { return source.path + '\0' + source.content_id; }

 private:
  std::map<std::string, std::shared_ptr<const FileValidation>> entries_;
};

// Validates `sources` as one revision. Files are parsed on up to `threads` threads (0: one per
// core); the result does not depend on the thread count. With a `cache`, files whose content
// id is known are not parsed again and the cache is refreshed. `limits` (model/limits.h)
// bounds what parsing may expand; a source the reader did not read (SourceText::not_read) is
// reported at its line 1; when a limit refused it, references between files are not checked
// (some files are missing). The numbers of all DIDs together must stay under
// limits.max_numbers. Every `passwordFrom` the `secrets` policy refuses is an error at its
// file:line (the default policy: env names with the C4_SECRET_ prefix only, no file). Never
// throws.
ValidationReport validate_sources(const std::vector<SourceText>& sources, const SchemaSet& schemas,
                                  unsigned threads = 0, FileValidationCache* cache = nullptr,
                                  const Limits& limits = {}, const SecretPolicy& secrets = SecretPolicy());

// The catalog of `sources` as validate_sources builds it (same objects, same order, indexed;
// `cache` used and refreshed alike) without the checks across files and their problems: for
// a revision that is only compared with (plan --against), never applied or reported on.
Catalog catalog_of_sources(const std::vector<SourceText>& sources, const SchemaSet& schemas, unsigned threads = 0,
                           FileValidationCache* cache = nullptr, const Limits& limits = {});

}  // namespace c4
