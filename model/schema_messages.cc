#include "model/schema_messages.h"

#include <algorithm>

#include "model/redaction.h"
#include "model/yaml_json.h"
#include "model/yaml_source.h"

namespace c4 {
namespace {

using json = nlohmann::json;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Text between the first pair of single quotes: the property valijson names.
std::string quoted_name(const std::string& description) {
  size_t a = description.find('\''), b = description.find('\'', a + 1);
  if (a == std::string::npos || b == std::string::npos) return "";
  return description.substr(a + 1, b - a - 1);
}

std::string json_type_name(const json& v) {
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

std::string short_value(const json& v) {
  // A manifest's text may hold bytes that are not UTF-8: shown replaced, not thrown on.
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 197) + "...";
  return s;
}

// The value as a message may show it: never a secret's (messages end up in revision rows,
// status and CI logs).
std::string echo(const SchemaErrorContext& e, const json& v) { return e.secret ? std::string(kRedacted) : short_value(v); }

// `key` of the schema node, dumped, or "?".
std::string schema_word(const SchemaErrorContext& e, const char* key) {
  return e.schema && e.schema->contains(key) ? (*e.schema)[key].dump() : "?";
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

// Calls `f` on the schema node and on each of its allOf members.
template <typename F>
void each_conjunct(const json* schema, F f) {
  if (!schema) return;
  f(*schema);
  if (schema->contains("allOf"))
    for (const auto& sub : (*schema)["allOf"]) f(sub);
}

void wrapper(const SchemaErrorContext&, std::vector<SchemaFinding>&) {}

// A property whose schema is `false` (an if/then exclusion) fails with only the wrapper naming
// it; it is the finding when nothing deeper was reported for that property.
void property_excluded(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::string name = quoted_name(e.description), target = pointer_append(e.pointer, name);
  for (const auto& [q, _] : *e.all)
    if (q == target || starts_with(q, target + "/")) return;
  std::vector<std::string> with;
  each_conjunct(e.schema, [&](const json& s) {
    if (!s.contains("if") || !s.contains("then") || !s["if"].contains("required")) return;
    const auto& props = s["then"].value("properties", json::object());
    if (!props.contains(name) || props[name] != false || !e.value || !e.value->is_object()) return;
    for (const auto& r : s["if"]["required"])
      if (e.value->contains(r.get<std::string>())) with.push_back(r.get<std::string>());
  });
  out.push_back({target, with.empty() ? "\"" + name + "\" is not allowed here"
                                      : "\"" + name + "\" cannot be set together with " + join(with, ", ")});
}

void any_of(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::vector<std::string> names;
  if (e.schema && e.schema->contains("anyOf"))
    for (const auto& branch : (*e.schema)["anyOf"])
      if (branch.contains("required"))
        for (const auto& n : branch["required"]) names.push_back(n.get<std::string>());
  out.push_back({e.pointer, names.empty() ? "matches none of the allowed forms" : "must set at least one of: " + join(names, ", ")});
}

void missing_required(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  if (e.any_of_pointers->count(e.pointer)) return;  // summarised by the anyOf finding
  out.push_back({e.pointer, "missing required field \"" + quoted_name(e.description) + "\""});
}

// valijson names only the first unknown field; every one is reported, at its own line.
void unknown_fields(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::set<std::string> known;
  if (e.schema && e.schema->contains("properties"))
    for (const auto& [k, _] : (*e.schema)["properties"].items()) known.insert(k);
  if (!e.value || !e.value->is_object()) return;
  std::string allowed = known.empty() ? "" : " (allowed here: " + join({known.begin(), known.end()}, ", ") + ")";
  for (const auto& [k, _] : e.value->items())
    if (!known.count(k)) out.push_back({pointer_append(e.pointer, k), "unknown field \"" + k + "\"" + allowed});
}

void wrong_type(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::vector<std::string> expected;
  if (e.schema && e.schema->contains("type")) {
    const auto& t = (*e.schema)["type"];
    if (t.is_string()) expected.push_back(schema_type_name(t.get<std::string>()));
    else for (const auto& x : t) expected.push_back(schema_type_name(x.get<std::string>()));
  }
  std::string msg = "expected " + (expected.empty() ? std::string("another type") : join(expected, " or ")) +
                    ", found " + (e.value ? json_type_name(*e.value) : std::string("nothing"));
  YAML::Node yaml_value = node_at(*e.yaml, e.pointer);
  if (std::find(expected.begin(), expected.end(), "a string") != expected.end() && is_plain_number(yaml_value))
    msg += "; write it in quotes (\"" + (e.secret ? std::string(kRedacted) : yaml_value.Scalar()) +
           "\") so YAML reads it as text";
  out.push_back({e.pointer, msg});
}

void not_const(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  out.push_back({e.pointer, "must be " + schema_word(e, "const") + (e.value ? ", found " + echo(e, *e.value) : "")});
}

void not_in_enum(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::vector<std::string> allowed;
  if (e.schema && e.schema->contains("enum"))
    for (const auto& v : (*e.schema)["enum"]) allowed.push_back(v.dump());
  out.push_back({e.pointer, (e.value ? echo(e, *e.value) + " is not allowed; " : std::string()) + "must be one of " +
                                join(allowed, ", ")});
}

void pattern_mismatch(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::string what = e.schema && e.schema->contains("description")
                         ? form_description((*e.schema)["description"].get<std::string>())
                         : "the pattern " + schema_word(e, "pattern");
  out.push_back({e.pointer, (e.value ? echo(e, *e.value) : std::string("value")) + " has the wrong form. Expected: " + what});
}

void forbidden_combination(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::vector<std::string> clash;
  each_conjunct(e.schema, [&](const json& s) {
    if (!s.contains("not") || !s["not"].contains("required") || !e.value || !e.value->is_object()) return;
    std::vector<std::string> names;
    for (const auto& n : s["not"]["required"]) names.push_back(n.get<std::string>());
    if (std::all_of(names.begin(), names.end(), [&](const std::string& n) { return e.value->contains(n); }))
      clash.push_back(join(names, " and "));
  });
  out.push_back({e.pointer, clash.empty() ? "this combination of fields is not allowed" : join(clash, "; ") + " cannot be set together"});
}

void property_count(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  std::vector<std::string> names;
  if (e.schema && e.schema->contains("properties"))
    for (const auto& [k, _] : (*e.schema)["properties"].items()) names.push_back(k);
  bool exactly_one = e.schema && e.schema->value("maxProperties", 0) == 1;
  out.push_back({e.pointer, (exactly_one ? "set exactly one of: " : "set at least one of: ") + join(names, ", ")});
}

void too_few_items(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  if (e.any_of_fields->count(e.pointer)) return;  // one branch of a failed anyOf, summarised there
  int min = e.schema && e.schema->contains("minItems") ? (*e.schema)["minItems"].get<int>() : 1;
  out.push_back({e.pointer, "must list at least " + std::to_string(min) + (min == 1 ? " item" : " items")});
}

void below_minimum(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  out.push_back({e.pointer, (e.value ? echo(e, *e.value) + " is too small; " : std::string()) + "must be at least " +
                                schema_word(e, "minimum")});
}

void above_maximum(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  out.push_back({e.pointer, (e.value ? echo(e, *e.value) + " is too large; " : std::string()) + "must be at most " +
                                schema_word(e, "maximum")});
}

void empty_string(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  out.push_back({e.pointer, "must not be empty"});
}

void duplicate_items(const SchemaErrorContext& e, std::vector<SchemaFinding>& out) {
  out.push_back({e.pointer, "lists the same item twice"});
}

}  // namespace

const std::vector<SchemaMessage>& schema_messages() {
  static const std::vector<SchemaMessage> messages = {
      // Wrappers that repeat a finding already reported at a deeper pointer.
      {"Failed to validate item #", wrapper},
      {"Cannot validate item #", wrapper},
      {"Failed to validate against schema associated with property name", property_excluded},
      {"Failed to validate against additional properties schema", wrapper},
      {"Failed to validate against child schema", wrapper},
      {"Failed to validate against a conditional schema", wrapper},
      {"Failed to validate against any child schemas allowed by oneOf", wrapper},
      // Findings.
      {kAnyOfFailed, any_of},
      {"Missing required property", missing_required},
      {"Object contains a property that could not be validated", unknown_fields},
      {"Value type not permitted", wrong_type},
      {"Failed to match expected value set by 'const'", not_const},
      {"Failed to match against any enum values", not_in_enum},
      {"Failed to match regex specified by 'pattern'", pattern_mismatch},
      {"Target should not validate against schema specified in 'not'", forbidden_combination},
      {"Object should have no more than", property_count},
      {"Object should have no fewer than", property_count},
      {"Array should contain no fewer than", too_few_items},
      {"Expected number greater than or equal to", below_minimum},
      {"Expected number less than or equal to", above_maximum},
      {"String should be no fewer than", empty_string},
      {"Elements at indexes", duplicate_items},
  };
  return messages;
}

void translate_schema_error(const SchemaErrorContext& error, std::vector<SchemaFinding>& out) {
  for (const auto& m : schema_messages()) {
    if (starts_with(error.description, m.prefix)) {
      m.translate(error, out);
      return;
    }
  }
  out.push_back({error.pointer, error.description});
}

}  // namespace c4
