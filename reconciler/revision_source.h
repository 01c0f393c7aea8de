// Where a desired revision comes from: a Git repository (fetched into a cache by libgit2) or a
// plain directory. Both give the same thing: an identity (commit) and the manifest texts.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "model/yaml_source.h"
#include "reconciler/git_source.h"

namespace c4 {

struct DesiredRevision {
  CommitInfo commit;       // for a directory: id "dir:<sha256 of paths and texts>"
  std::string source;      // "https://…#main:config" or "dir:/path", for the revisions table
  std::vector<SourceText> files;
};

class RevisionSource {
 public:
  // A Git source (config.url set) or, when `directory` is set instead, a directory. File and
  // revision sizes are checked against `limits` as files are loaded (files over a limit are
  // listed unread, with the error validation reports).
  static Result<std::unique_ptr<RevisionSource>> open_git(GitSourceConfig config, const Limits& limits = {});
  static std::unique_ptr<RevisionSource> open_directory(std::filesystem::path directory, const Limits& limits = {});

  // Fetches new commits (a no-op for a directory).
  Status fetch();
  // The revision `rev` ("" = the branch tip; must be "" for a directory). Unchanged Git
  // blobs are taken from memory, not the object store.
  Result<DesiredRevision> load(const std::string& rev = "");

 private:
  std::unique_ptr<GitSource> git_;
  std::filesystem::path directory_;
  Limits limits_;
  std::unordered_map<std::string, std::string> blob_cache_;
};

}  // namespace c4
