// Reading a manifest tree from disk.
#pragma once

#include <filesystem>
#include <vector>

#include "common/status.h"
#include "model/yaml_source.h"

namespace c4 {

// True for the files a manifest tree is made of: *.yaml and *.yml, not hidden.
bool is_manifest_path(const std::filesystem::path& relative);

// Reads every manifest file under `root` (or `root` itself when it is a file), in path order.
// SourceText::path is relative to `root` (the file name when `root` is a file). Hidden files
// and directories (".git") are skipped. Symbolic links are never followed, as in Git mode: a
// link with a manifest's name is listed unread with a warning (SourceText::not_read), a link
// to a directory is not entered. Sizes are checked against `limits` (decide_reads) before
// anything is read: a file over a limit is listed unread with the error. Fails with
// Status::invalid when `root` does not exist and Status::unavailable when a file cannot be
// read.
Result<std::vector<SourceText>> read_manifest_tree(const std::filesystem::path& root, const Limits& limits = {});

}  // namespace c4
