#include "model/schema_set.h"

#include <algorithm>
#include <set>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "model/problem_at.h"
#include "model/problem_rules.h"
#include "model/redaction.h"
#include "model/schema_messages.h"
#include "model/yaml_json.h"
#include "model/yaml_source.h"

namespace c4 {
namespace {

using Adapter = valijson::adapters::NlohmannJsonAdapter;

// valijson's context ["<root>", "[spec]", "[numbers]", "[3]"] → "/spec/numbers/3".
std::string context_to_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']')
      token = token.substr(1, token.size() - 2);
    pointer = pointer_append(pointer, token);
  }
  return pointer;
}

}  // namespace

SchemaSet::~SchemaSet() = default;

Result<std::shared_ptr<const SchemaSet>> SchemaSet::compile(
    const std::map<std::string, std::string>& files) {
  std::shared_ptr<SchemaSet> set(new SchemaSet());
  for (const auto& [name, text] : files) {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) return Status::internal("schema " + name + " is not valid JSON");
    set->documents_[name] = std::move(doc);
  }
  for (const auto& info : all_kinds()) {
    auto it = set->documents_.find(std::string(info.schema_file));
    if (it == set->documents_.end())
      return Status::internal("schema " + std::string(info.schema_file) + " is missing");
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    // Relative $refs name a file of the same set ("common.json#/definitions/x"); valijson
    // passes the document part of the URI. Documents are owned by the set, so free is a no-op.
    auto fetch = [&set](const std::string& uri) -> const nlohmann::json* {
      std::string file = uri.substr(uri.find_last_of('/') + 1);
      auto doc = set->documents_.find(file);
      return doc == set->documents_.end() ? nullptr : &doc->second;
    };
    auto free_doc = [](const nlohmann::json*) {};
    try {
      parser.populateSchema(Adapter(it->second), *schema, fetch, free_doc);
    } catch (const std::exception& e) {
      return Status::internal("schema " + it->first + " cannot be compiled: " + e.what());
    }
    set->schemas_[static_cast<size_t>(info.kind)] = std::move(schema);
  }
  return std::shared_ptr<const SchemaSet>(std::move(set));
}

Result<std::shared_ptr<const SchemaSet>> SchemaSet::builtin() {
  static const Result<std::shared_ptr<const SchemaSet>> set = compile(embedded_schemas());
  return set;
}

const nlohmann::json* SchemaSet::resolve(const nlohmann::json* node) const {
  for (int depth = 0; node && node->is_object() && node->contains("$ref") && depth < 8; ++depth) {
    std::string ref = (*node)["$ref"].get<std::string>();
    size_t hash = ref.find('#');
    auto doc = documents_.find(ref.substr(0, hash));
    if (doc == documents_.end()) return nullptr;
    std::string pointer = hash == std::string::npos ? "" : ref.substr(hash + 1);
    nlohmann::json::json_pointer jp(pointer);
    if (!doc->second.contains(jp)) return nullptr;
    node = &doc->second.at(jp);
  }
  return node;
}

const nlohmann::json* SchemaSet::schema_at(Kind kind, const std::string& pointer) const {
  auto doc = documents_.find(std::string(kind_info(kind).schema_file));
  if (doc == documents_.end()) return nullptr;
  const nlohmann::json* node = resolve(&doc->second);
  nlohmann::json::json_pointer jp(pointer);
  std::vector<std::string> tokens;
  for (auto p = jp; !p.empty(); p = p.parent_pointer()) tokens.push_back(p.back());
  std::reverse(tokens.begin(), tokens.end());
  for (const auto& token : tokens) {
    if (!node) return nullptr;
    if (node->contains("properties") && (*node)["properties"].contains(token)) {
      node = resolve(&(*node)["properties"][token]);
    } else if (node->contains("items")) {
      node = resolve(&(*node)["items"]);
    } else if (node->contains("additionalProperties") && (*node)["additionalProperties"].is_object()) {
      node = resolve(&(*node)["additionalProperties"]);
    } else {
      return nullptr;
    }
  }
  return node;
}

bool SchemaSet::validate(Kind kind, const nlohmann::json& json, const YAML::Node& yaml,
                         const std::string& file, const ObjectRef& object,
                         Problems& problems) const {
  // One validator per thread: it caches compiled std::regex patterns, which cost far more to
  // build than to match (callgrind: 36% of validation was recompiling them per document).
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  if (validator.validate(*schemas_[static_cast<size_t>(kind)], Adapter(json), &results)) return true;

  std::vector<std::pair<std::string, std::string>> raw;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) raw.emplace_back(context_to_pointer(error.context), error.description);
  std::vector<SchemaFinding> findings = translate(kind, json, yaml, raw);
  // Never call a document invalid without saying why.
  if (findings.empty())
    for (const auto& [pointer, d] : raw) findings.push_back({pointer, d});

  // One finding per (pointer, message): valijson repeats some through alternative branches.
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& f : findings) {
    if (!seen.insert({f.pointer, f.message}).second) continue;
    Problem p = problem_at(file, yaml, f.pointer, object, std::move(f.message));
    p.rule = rules::kSchema;
    problems.add(std::move(p));
  }
  return false;
}

std::vector<SchemaFinding> SchemaSet::translate(Kind kind, const nlohmann::json& json, const YAML::Node& yaml,
                                                const std::vector<std::pair<std::string, std::string>>& raw) const {
  // The pointers of failed anyOf nodes, and the fields their branches require.
  std::set<std::string> any_of_pointers, any_of_fields;
  for (const auto& [pointer, d] : raw) {
    if (d.compare(0, kAnyOfFailed.size(), kAnyOfFailed) != 0) continue;
    any_of_pointers.insert(pointer);
    if (const nlohmann::json* s = schema_at(kind, pointer); s && s->contains("anyOf"))
      for (const auto& branch : (*s)["anyOf"])
        for (const auto& n : branch.value("required", nlohmann::json::array()))
          any_of_fields.insert(pointer_append(pointer, n.get<std::string>()));
  }
  std::vector<SchemaFinding> findings;
  for (const auto& [pointer, d] : raw) {
    nlohmann::json::json_pointer jp(pointer);
    SchemaErrorContext e;
    e.pointer = pointer;
    e.description = d;
    e.schema = schema_at(kind, pointer);
    e.value = json.contains(jp) ? &json.at(jp) : nullptr;
    e.document = &json;
    e.yaml = &yaml;
    e.secret = is_secret_field(std::string_view(pointer).substr(pointer.rfind('/') + 1));
    e.all = &raw;
    e.any_of_pointers = &any_of_pointers;
    e.any_of_fields = &any_of_fields;
    translate_schema_error(e, findings);
  }
  return findings;
}

}  // namespace c4
