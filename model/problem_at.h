// A Problem located in its manifest: the one way the loader, the decoder and the schema
// messages turn a JSON pointer of a document into file:line:column.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "model/problem.h"
#include "model/yaml_source.h"

namespace c4 {

// A Problem of `object` at `pointer` of the YAML document `root` of `file`, at the position
// position_at() finds for the pointer.
inline Problem problem_at(const std::string& file, const YAML::Node& root, const std::string& pointer,
                          const ObjectRef& object, std::string message,
                          Problem::Severity severity = Problem::Severity::error) {
  Problem p;
  p.severity = severity;
  p.file = file;
  p.pos = position_at(root, pointer);
  p.pointer = pointer;
  p.object = object;
  p.message = std::move(message);
  return p;
}

}  // namespace c4
