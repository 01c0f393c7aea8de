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

#include "model/problem.h"

namespace c4 {

// One manifest file's text. `path` is what messages show (relative to the repository root).
struct SourceText {
  std::string path;
  std::string text;
  // Identity of `text` when known (the Git blob id), so validation results can be reused
  // for unchanged files; empty = unknown.
  std::string content_id;
};

// One YAML document of a manifest file.
struct Document {
  std::string file;
  size_t index = 0;  // position of the document in its file, 0-based
  SourcePos pos;     // where the document starts
  YAML::Node root;
};

// Parses every document of `source`. Empty documents are skipped. On a YAML syntax error the
// whole file is rejected with one Problem at the error's line (yaml-cpp cannot resume).
std::vector<Document> parse_documents(const SourceText& source, Problems& problems);

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
