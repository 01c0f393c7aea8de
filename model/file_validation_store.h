// File validation results kept on disk between runs, so a short-lived process (the
// pull-request check, `plan --against`) parses only the files whose content it has not seen:
// its cost follows the change, not the size of the repository.
//
// An entry is keyed by the file's path and content id (the Git blob id), by the build of
// c4confd (its GNU build id: schemas and decoding are part of the binary) and by the limits
// parsing obeys; a result is only ever read by the build, under the limits, that made it.
// Entries are written whole (temporary file + rename), so a killed run leaves none half
// written, and an entry that cannot be read back (truncated, foreign, corrupt) is a miss: the
// file is parsed again. Only results of files that were read are stored (as
// FileValidationCache does). Not thread-safe; processes may share a directory.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/validate.h"

namespace c4 {

class FileValidationStore {
 public:
  // A store in `dir` (created when first written). Status::unavailable when this binary has
  // no build id: nothing could tell its entries from another build's.
  static Result<FileValidationStore> open(std::filesystem::path dir, const Limits& limits);

  // Puts into `cache` the stored result of each of `sources` the store holds.
  // Returns how many were found.
  size_t load(const std::vector<SourceText>& sources, FileValidationCache& cache);

  // Writes the results of `cache` the store does not hold yet. Returns how many were written.
  Result<size_t> save(const FileValidationCache& cache);

  // Removes every entry but those of the keys used by load or save since open: the store
  // then holds the revisions this run worked on. Failures to remove are ignored (the next
  // prune retries).
  void prune();

 private:
  FileValidationStore(std::filesystem::path dir, std::string identity)
      : dir_(std::move(dir)), identity_(std::move(identity)) {}
  std::string entry_name(const std::string& key) const;

  std::filesystem::path dir_;
  std::string identity_;      // build id and limits
  std::set<std::string> used_;  // entry file names of this run
};

}  // namespace c4
