#include "model/schema_set.h"

#include <algorithm>
#include <set>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "model/problem_rules.h"
#include "model/redaction.h"
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

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Text between the first pair of single quotes: the property valijson names.
std::string quoted_name(const std::string& description) {
  size_t a = description.find('\''), b = description.find('\'', a + 1);
  if (a == std::string::npos || b == std::string::npos) return "";
  return description.substr(a + 1, b - a - 1);
}

std::string json_type_name(const nlohmann::json& v) {
  if (v.is_null()) return "nothing (null)";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "a list";
  return "a mapping";
}

std::string schema_type_name(const std::string& t) {
  if (t == "string") return "a string";
  if (t == "integer") return "an integer";
  if (t == "number") return "a number";
  if (t == "boolean") return "true or false";
  if (t == "array") return "a list";
  if (t == "object") return "a mapping";
  if (t == "null") return "null";
  return t;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string short_value(const nlohmann::json& v) {
  // A manifest's text may hold bytes that are not UTF-8: shown replaced, not thrown on.
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 197) + "...";
  return s;
}

// A schema description without the sentences about defaults and presence ("Default: …",
// "Required.", "Optional."), which say nothing about what a wrong value should look like.
std::string form_description(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(". ", start);
    while (end != std::string::npos && end >= 3 &&
           (text.compare(end - 3, 3, "e.g") == 0 || text.compare(end - 3, 3, "i.e") == 0))
      end = text.find(". ", end + 1);
    std::string sentence = text.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start);
    if (!starts_with(sentence, "Default") && !starts_with(sentence, "Required") && !starts_with(sentence, "Optional"))
      out += (out.empty() ? "" : " ") + sentence;
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

// Wrappers that repeat a finding already reported at a deeper pointer.
bool is_wrapper(const std::string& d) {
  return starts_with(d, "Failed to validate item #") ||
         starts_with(d, "Failed to validate against schema associated with property") ||
         starts_with(d, "Failed to validate against additional properties schema") ||
         starts_with(d, "Failed to validate against child schema") ||
         starts_with(d, "Failed to validate against a conditional schema") ||
         starts_with(d, "Failed to validate against any child schemas allowed by oneOf") ||
         starts_with(d, "Cannot validate item #");
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

  struct Finding {
    std::string pointer;
    std::string message;
  };
  std::vector<Finding> findings;
  std::set<std::string> any_of_pointers;
  std::set<std::string> any_of_fields;  // pointers of fields an anyOf branch requires
  std::vector<std::pair<std::string, std::string>> raw;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) raw.emplace_back(context_to_pointer(error.context), error.description);
  for (const auto& [pointer, d] : raw) {
    if (!starts_with(d, "Failed to validate against any schemas allowed by anyOf")) continue;
    any_of_pointers.insert(pointer);
    if (const nlohmann::json* s = schema_at(kind, pointer); s && s->contains("anyOf"))
      for (const auto& branch : (*s)["anyOf"])
        for (const auto& n : branch.value("required", nlohmann::json::array()))
          any_of_fields.insert(pointer_append(pointer, n.get<std::string>()));
  }

  // A property whose schema is `false` (an if/then exclusion) fails with only the wrapper
  // naming it; it is the finding when nothing deeper was reported for that property.
  auto reported_below = [&](const std::string& target) {
    for (const auto& [q, _] : raw)
      if (q == target || starts_with(q, target + "/")) return true;
    return false;
  };

  for (const auto& [pointer, d] : raw) {
    if (starts_with(d, "Failed to validate against schema associated with property name")) {
      std::string name = quoted_name(d), target = pointer_append(pointer, name);
      if (reported_below(target)) continue;
      nlohmann::json::json_pointer jp(pointer);
      const nlohmann::json* object_value = json.contains(jp) ? &json.at(jp) : nullptr;
      std::vector<std::string> with;
      const nlohmann::json* schema = schema_at(kind, pointer);
      auto collect = [&](const nlohmann::json& s) {
        if (!s.contains("if") || !s.contains("then") || !s["if"].contains("required")) return;
        const auto& props = s["then"].value("properties", nlohmann::json::object());
        if (!props.contains(name) || props[name] != false || !object_value || !object_value->is_object()) return;
        for (const auto& r : s["if"]["required"])
          if (object_value->contains(r.get<std::string>())) with.push_back(r.get<std::string>());
      };
      if (schema) {
        collect(*schema);
        if (schema->contains("allOf"))
          for (const auto& sub : (*schema)["allOf"]) collect(sub);
      }
      findings.push_back({target, with.empty() ? "\"" + name + "\" is not allowed here"
                                                : "\"" + name + "\" cannot be set together with " + join(with, ", ")});
      continue;
    }
    if (is_wrapper(d)) continue;
    const nlohmann::json* schema = schema_at(kind, pointer);
    nlohmann::json::json_pointer jp(pointer);
    const nlohmann::json* value = json.contains(jp) ? &json.at(jp) : nullptr;
    // Messages end up in revision rows, status and CI logs: a secret field's value is never echoed.
    bool secret = is_secret_field(std::string_view(pointer).substr(pointer.rfind('/') + 1));
    auto echo = [&](const nlohmann::json& v) { return secret ? std::string(kRedacted) : short_value(v); };

    if (starts_with(d, "Failed to validate against any schemas allowed by anyOf")) {
      std::vector<std::string> names;
      if (schema && schema->contains("anyOf"))
        for (const auto& branch : (*schema)["anyOf"])
          if (branch.contains("required"))
            for (const auto& n : branch["required"]) names.push_back(n.get<std::string>());
      findings.push_back({pointer, names.empty() ? "matches none of the allowed forms"
                                                 : "must set at least one of: " + join(names, ", ")});
    } else if (starts_with(d, "Missing required property")) {
      if (any_of_pointers.count(pointer)) continue;  // summarised by the anyOf finding
      findings.push_back({pointer, "missing required field \"" + quoted_name(d) + "\""});
    } else if (starts_with(d, "Object contains a property that could not be validated")) {
      // valijson names only the first unknown field; report every one, at its own line.
      std::set<std::string> known;
      if (schema && schema->contains("properties"))
        for (const auto& [k, _] : (*schema)["properties"].items()) known.insert(k);
      if (value && value->is_object()) {
        for (const auto& [k, _] : value->items()) {
          if (known.count(k)) continue;
          std::string msg = "unknown field \"" + k + "\"";
          if (!known.empty()) {
            std::vector<std::string> allowed(known.begin(), known.end());
            msg += " (allowed here: " + join(allowed, ", ") + ")";
          }
          findings.push_back({pointer_append(pointer, k), msg});
        }
      }
    } else if (starts_with(d, "Value type not permitted")) {
      std::vector<std::string> expected;
      if (schema && schema->contains("type")) {
        const auto& t = (*schema)["type"];
        if (t.is_string()) expected.push_back(schema_type_name(t.get<std::string>()));
        else for (const auto& x : t) expected.push_back(schema_type_name(x.get<std::string>()));
      }
      std::string msg = "expected " + (expected.empty() ? std::string("another type") : join(expected, " or ")) +
                        ", found " + (value ? json_type_name(*value) : std::string("nothing"));
      YAML::Node yaml_value = node_at(yaml, pointer);
      if (std::find(expected.begin(), expected.end(), "a string") != expected.end() &&
          is_plain_number(yaml_value))
        msg += "; write it in quotes (\"" + (secret ? std::string(kRedacted) : yaml_value.Scalar()) +
               "\") so YAML reads it as text";
      findings.push_back({pointer, msg});
    } else if (starts_with(d, "Failed to match expected value set by 'const'")) {
      std::string want = schema && schema->contains("const") ? (*schema)["const"].dump() : "?";
      findings.push_back({pointer, "must be " + want + (value ? ", found " + echo(*value) : "")});
    } else if (starts_with(d, "Failed to match against any enum values")) {
      std::vector<std::string> allowed;
      if (schema && schema->contains("enum"))
        for (const auto& e : (*schema)["enum"]) allowed.push_back(e.dump());
      findings.push_back({pointer, (value ? echo(*value) + " is not allowed; " : std::string()) +
                                       "must be one of " + join(allowed, ", ")});
    } else if (starts_with(d, "Failed to match regex specified by 'pattern'")) {
      std::string what = schema && schema->contains("description")
                             ? form_description((*schema)["description"].get<std::string>())
                             : "the pattern " + (schema ? (*schema)["pattern"].dump() : std::string("?"));
      findings.push_back({pointer, (value ? echo(*value) : std::string("value")) +
                                       " has the wrong form. Expected: " + what});
    } else if (starts_with(d, "Target should not validate against schema specified in 'not'")) {
      std::vector<std::string> clash;
      auto collect = [&](const nlohmann::json& s) {
        if (!s.contains("not") || !s["not"].contains("required") || !value || !value->is_object()) return;
        std::vector<std::string> names;
        for (const auto& n : s["not"]["required"]) names.push_back(n.get<std::string>());
        if (std::all_of(names.begin(), names.end(), [&](const std::string& n) { return value->contains(n); }))
          clash.push_back(join(names, " and "));
      };
      if (schema) {
        collect(*schema);
        if (schema->contains("allOf"))
          for (const auto& s : (*schema)["allOf"]) collect(s);
      }
      findings.push_back({pointer, clash.empty() ? "this combination of fields is not allowed"
                                                 : join(clash, "; ") + " cannot be set together"});
    } else if (starts_with(d, "Object should have no more than") || starts_with(d, "Object should have no fewer than")) {
      std::vector<std::string> names;
      if (schema && schema->contains("properties"))
        for (const auto& [k, _] : (*schema)["properties"].items()) names.push_back(k);
      bool exactly_one = schema && schema->value("maxProperties", 0) == 1;
      findings.push_back({pointer, (exactly_one ? "set exactly one of: " : "set at least one of: ") + join(names, ", ")});
    } else if (starts_with(d, "Array should contain no fewer than")) {
      if (any_of_fields.count(pointer)) continue;  // one branch of a failed anyOf, summarised there
      int min = schema && schema->contains("minItems") ? (*schema)["minItems"].get<int>() : 1;
      findings.push_back({pointer, "must list at least " + std::to_string(min) + (min == 1 ? " item" : " items")});
    } else if (starts_with(d, "Expected number greater than or equal to")) {
      findings.push_back({pointer, (value ? echo(*value) + " is too small; " : std::string()) + "must be at least " +
                                       (schema && schema->contains("minimum") ? (*schema)["minimum"].dump() : "?")});
    } else if (starts_with(d, "Expected number less than or equal to")) {
      findings.push_back({pointer, (value ? echo(*value) + " is too large; " : std::string()) + "must be at most " +
                                       (schema && schema->contains("maximum") ? (*schema)["maximum"].dump() : "?")});
    } else if (starts_with(d, "String should be no fewer than")) {
      findings.push_back({pointer, "must not be empty"});
    } else if (starts_with(d, "Elements at indexes")) {
      findings.push_back({pointer, "lists the same item twice"});
    } else {
      findings.push_back({pointer, d});
    }
  }

  // Never call a document invalid without saying why.
  if (findings.empty())
    for (const auto& [pointer, d] : raw) findings.push_back({pointer, d});

  // One finding per (pointer, message): valijson repeats some through alternative branches.
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& f : findings) {
    if (!seen.insert({f.pointer, f.message}).second) continue;
    Problem p;
    p.rule = rules::kSchema;
    p.file = file;
    p.pos = position_at(yaml, f.pointer);
    p.pointer = f.pointer;
    p.object = object;
    p.message = std::move(f.message);
    problems.add(std::move(p));
  }
  return false;
}

}  // namespace c4
