// Parsing manifest text into YAML documents that remember where they came from.
//
// The loader works on (path, text) pairs so that the same code reads a directory on disk and
// blobs out of a Git object store. yaml-cpp exceptions never leave this module: a file that
// is not valid YAML becomes a Problem with its file:line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/limits.h"
#include "model/problem.h"

namespace c4 {

// One manifest file's text. `path` is what messages show (relative to the repository root).
struct SourceText {
  std::string path;
  std::string text;
  // Identity of `text` when known (the Git blob id), so validation results can be reused
  // for unchanged files; empty = unknown.
  std::string content_id;
  // Set when the reader did not read the file: `text` is empty and validation reports this
  // message at the file's first line, as an error when a limit refused the file
  // (model/limits.h decide_reads), as a warning for a symbolic link (never followed).
  std::string not_read;
  bool not_read_is_error = true;
};

// The warning a reader gives for a manifest path that is a symbolic link.
inline constexpr const char* kSymlinkNotFollowed =
    "a symbolic link is not followed: a manifest must be a regular file (skipped)";

// One YAML document of a manifest file.
struct Document {
  std::string file;
  size_t index = 0;  // position of the document in its file, 0-based
  SourcePos pos;     // where the document starts
  YAML::Node root;
};

// Parses every document of `source`. Empty documents are skipped. On a YAML syntax error the
// whole file is rejected with one Problem at the error's line (yaml-cpp cannot resume), and so
// it is when a document goes over limits.max_yaml_nodes or the file over
// limits.max_alias_expansions (the Problem is at the node or alias that crossed the limit) or
// when an alias refers to a node that contains it: a returned document can be walked with its
// aliases expanded in time and memory the limits bound. Nesting deeper than yaml-cpp's 2,000
// levels is a syntax error.
std::vector<Document> parse_documents(const SourceText& source, Problems& problems, const Limits& limits = {});

// The 1-based position of a yaml-cpp node (0:0 when the node has no mark).
SourcePos position_of(const YAML::Node& node);

// Follows `pointer` (RFC 6901, "/spec/numbers/3") from `root` as far as it exists and returns
// the position of the deepest node reached. For a mapping key, the key's own position.
SourcePos position_at(const YAML::Node& root, std::string_view pointer);

// The node at `pointer`, or an invalid (!IsDefined) node.
YAML::Node node_at(const YAML::Node& root, std::string_view pointer);

// Appends a key or index to a JSON pointer, escaping '~' and '/' as RFC 6901 says.
std::string pointer_append(std::string_view pointer, std::string_view token);
std::string pointer_append(std::string_view pointer, size_t index);

}  // namespace c4
