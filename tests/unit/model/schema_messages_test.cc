// model/schema_messages: every valijson message c4confd translates is pinned here against
// valijson's REAL output. A valijson upgrade that rewords one fails this test, instead of
// silently showing users valijson's raw message where a translated one used to be.
#include "model/schema_messages.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace c4 {
namespace {

using json = nlohmann::json;
using Adapter = valijson::adapters::NlohmannJsonAdapter;

// A schema and a document that makes valijson write the message starting with the key.
struct Provocation {
  const char* schema;
  const char* document;
};

const std::map<std::string, Provocation, std::less<>>& provocations() {
  static const std::map<std::string, Provocation, std::less<>> cases = {
      {"Failed to validate item #", {R"({"type": "array", "items": {"type": "string"}})", R"([1])"}},
      {"Cannot validate item #",
       {R"({"type": "array", "items": [{"type": "string"}], "additionalItems": false})", R"(["a", "b"])"}},
      {"Failed to validate against schema associated with property name",
       {R"({"type": "object", "properties": {"a": {"type": "string"}}})", R"({"a": 1})"}},
      {"Failed to validate against additional properties schema",
       {R"({"type": "object", "additionalProperties": {"type": "string"}})", R"({"x": 1})"}},
      {"Failed to validate against child schema", {R"({"allOf": [{"type": "string"}]})", R"(1)"}},
      {"Failed to validate against a conditional schema",
       {R"({"if": {"required": ["a"]}, "then": {"required": ["b"]}})", R"({"a": 1})"}},
      {"Failed to validate against any child schemas allowed by oneOf",
       {R"({"oneOf": [{"type": "string"}, {"type": "boolean"}]})", R"(1)"}},
      {std::string(kAnyOfFailed), {R"({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]})", R"({})"}},
      {"Missing required property", {R"({"type": "object", "required": ["a"]})", R"({})"}},
      {"Object contains a property that could not be validated",
       {R"({"type": "object", "properties": {"a": {}}, "additionalProperties": false})", R"({"b": 1})"}},
      {"Value type not permitted", {R"({"type": "string"})", R"(1)"}},
      {"Failed to match expected value set by 'const'", {R"({"const": "v1"})", R"("v2")"}},
      {"Failed to match against any enum values", {R"({"enum": ["udp", "tcp"]})", R"("sctp")"}},
      {"Failed to match regex specified by 'pattern'", {R"({"type": "string", "pattern": "^[0-9]+$"})", R"("12a")"}},
      {"Target should not validate against schema specified in 'not'",
       {R"({"not": {"required": ["a", "b"]}})", R"({"a": 1, "b": 2})"}},
      {"Object should have no more than", {R"({"type": "object", "maxProperties": 1})", R"({"a": 1, "b": 2})"}},
      {"Object should have no fewer than", {R"({"type": "object", "minProperties": 1})", R"({})"}},
      {"Array should contain no fewer than", {R"({"type": "array", "minItems": 1})", R"([])"}},
      {"Expected number greater than or equal to", {R"({"type": "integer", "minimum": 1})", R"(0)"}},
      {"Expected number less than or equal to", {R"({"type": "integer", "maximum": 9})", R"(10)"}},
      {"String should be no fewer than", {R"({"type": "string", "minLength": 1})", R"("")"}},
      {"Elements at indexes", {R"({"type": "array", "uniqueItems": true})", R"([1, 1])"}},
  };
  return cases;
}

// valijson's messages for `document` against `schema`, as valijson writes them.
std::vector<std::string> valijson_messages(const Provocation& p) {
  json schema_doc = json::parse(p.schema), document = json::parse(p.document);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  parser.populateSchema(Adapter(schema_doc), schema);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  validator.validate(schema, Adapter(document), &results);
  std::vector<std::string> out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) out.push_back(error.description);
  return out;
}

// The table entry translate_schema_error picks for `description` (the first prefix it starts with).
std::string_view chosen_prefix(const std::string& description) {
  for (const auto& m : schema_messages())
    if (description.compare(0, m.prefix.size(), m.prefix) == 0) return m.prefix;
  return {};
}

TEST_CASE("every translated valijson message is written by valijson as the table expects") {
  for (const auto& m : schema_messages()) {
    CAPTURE(m.prefix);
    auto it = provocations().find(m.prefix);
    REQUIRE_MESSAGE(it != provocations().end(), "a translator without a pin: add a provocation for it");
    auto messages = valijson_messages(it->second);
    bool written = false;
    for (const auto& d : messages)
      if (d.compare(0, m.prefix.size(), m.prefix) == 0 && chosen_prefix(d) == m.prefix) written = true;
    std::string all;
    for (const auto& d : messages) all += "\n  " + d;
    CHECK_MESSAGE(written, "valijson no longer writes this message; it wrote:" << all);
  }
}

TEST_CASE("every provocation belongs to a translator of the table") {
  for (const auto& [prefix, _] : provocations()) {
    const std::string translator = prefix;  // a copy: clang 14 lets no lambda take a binding
    CAPTURE(translator);
    CHECK(chosen_prefix(prefix) == prefix);
  }
  CHECK(provocations().size() == schema_messages().size());
}

// The findings translate_schema_error makes of one valijson error `description` at `pointer`
// of `document`, with no other error reported.
std::vector<SchemaFinding> translate_alone(const std::string& pointer, const std::string& description,
                                           const json& document) {
  YAML::Node yaml = YAML::Load(document.dump());
  std::vector<std::pair<std::string, std::string>> all = {{pointer, description}};
  std::set<std::string> none;
  SchemaErrorContext e;
  e.pointer = pointer;
  e.description = description;
  e.document = &document;
  e.yaml = &yaml;
  e.all = &all;
  e.any_of_pointers = &none;
  e.any_of_fields = &none;
  std::vector<SchemaFinding> out;
  translate_schema_error(e, out);
  return out;
}

TEST_CASE("a message no translator knows is kept as valijson wrote it") {
  auto out = translate_alone("/spec", "Some future valijson message.", json::object());
  REQUIRE(out.size() == 1);
  CHECK(out[0].pointer == "/spec");
  CHECK(out[0].message == "Some future valijson message.");
}

TEST_CASE("a wrapper message adds no finding of its own") {
  CHECK(translate_alone("", "Failed to validate item #0 in array.", json::array({1})).empty());
}

}  // namespace
}  // namespace c4
