// Converting a YAML document to JSON with YAML 1.2 core-schema typing.
//
// yaml-cpp keeps every scalar as text; the JSON Schemas need types. A plain (unquoted) scalar
// becomes null, a boolean, an integer or a float when it reads as one under the YAML 1.2 core
// schema; a quoted scalar always stays a string. So `port: 5060` is a number and `"+3314"`
// a string, as an editor's YAML language server sees them.
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "model/problem.h"

namespace c4 {

// Converts `node`. A mapping key that is not a scalar is reported to `problems` (with `file`)
// and skipped.
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& file, Problems& problems);

// True when `node` is a plain scalar that YAML reads as a number (so quoting it makes it text).
bool is_plain_number(const YAML::Node& node);

}  // namespace c4
