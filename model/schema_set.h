// The JSON Schemas of schemas/, compiled for valijson, and the translation of valijson's
// findings into plain-language Problems.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "common/status.h"
#include "model/kind.h"
#include "model/problem.h"
#include "model/schema_messages.h"

namespace valijson {
class Schema;
}

namespace c4 {

// Every schema file's text, keyed by file name ("did.json"). Generated from schemas/*.json
// at build time (cmake/embed_schemas.cmake).
const std::map<std::string, std::string>& embedded_schemas();

class SchemaSet {
 public:
  // Compiles the per-kind schemas from `files` (file name → JSON text); relative $refs such as
  // "common.json#/definitions/name" resolve among `files`. Fails with Status::internal when a
  // schema is missing or not valid JSON Schema.
  static Result<std::shared_ptr<const SchemaSet>> compile(const std::map<std::string, std::string>& files);
  // compile(embedded_schemas()), done once.
  static Result<std::shared_ptr<const SchemaSet>> builtin();

  ~SchemaSet();

  // Validates document `json` (converted from `yaml`) against the schema of `kind`. Each
  // violation becomes one Problem located through `yaml`, attributed to `object`. Returns
  // true when the document is valid. Thread-safe.
  bool validate(Kind kind, const nlohmann::json& json, const YAML::Node& yaml,
                const std::string& file, const ObjectRef& object, Problems& problems) const;

  // The schema node that describes the value at `pointer` of a `kind` document, following
  // properties, items and $ref; nullptr when the pointer leaves the schema.
  const nlohmann::json* schema_at(Kind kind, const std::string& pointer) const;

 private:
  SchemaSet() = default;
  const nlohmann::json* resolve(const nlohmann::json* node) const;
  // The findings valijson's errors `raw` ((pointer, message) pairs) of a `kind` document stand for.
  std::vector<SchemaFinding> translate(Kind kind, const nlohmann::json& json, const YAML::Node& yaml,
                                       const std::vector<std::pair<std::string, std::string>>& raw) const;

  std::map<std::string, nlohmann::json> documents_;
  std::array<std::unique_ptr<valijson::Schema>, kKindCount> schemas_;
};

}  // namespace c4
