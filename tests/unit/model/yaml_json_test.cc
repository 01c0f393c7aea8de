// model/yaml_json: YAML 1.2 core-schema typing of plain scalars, quoted scalars stay text.
#include "model/yaml_json.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

nlohmann::json convert(const std::string& text, Problems& problems) {
  return yaml_to_json(YAML::Load(text), "t.yaml", problems);
}

nlohmann::json convert(const std::string& text) {
  Problems problems;
  nlohmann::json j = convert(text, problems);
  CHECK(problems.empty());
  return j;
}

// The single value of "v: <text>".
nlohmann::json value(const std::string& text) { return convert("v: " + text + "\n")["v"]; }

TEST_CASE("plain integer is an integer and quoted integer is a string") {
  CHECK(value("5060").is_number_integer());
  CHECK(value("5060") == 5060);
  CHECK(value("\"5060\"").is_string());
  CHECK(value("\"5060\"") == "5060");
  CHECK(value("'5060'") == "5060");
  CHECK(value("-12") == -12);
  CHECK(value("0") == 0);
}

TEST_CASE("plain plus number is an integer and quoted it is a string") {
  CHECK(value("+33140000000").is_number_integer());
  CHECK(value("+33140000000") == 33140000000LL);
  CHECK(value("\"+33140000000\"") == "+33140000000");
}

TEST_CASE("plain true and false are booleans in every core-schema spelling") {
  for (const char* t : {"true", "True", "TRUE"}) CHECK(value(t) == true);
  for (const char* f : {"false", "False", "FALSE"}) CHECK(value(f) == false);
  CHECK(value("\"true\"") == "true");
  // YAML 1.1 booleans are plain text under the 1.2 core schema.
  CHECK(value("yes") == "yes");
  CHECK(value("off") == "off");
}

TEST_CASE("null tilde and empty values are null") {
  CHECK(value("null").is_null());
  CHECK(value("Null").is_null());
  CHECK(value("NULL").is_null());
  CHECK(value("~").is_null());
  CHECK(convert("v:\n")["v"].is_null());
  CHECK(value("\"null\"") == "null");
  CHECK(value("\"~\"") == "~");
  CHECK(value("\"\"") == "");
}

TEST_CASE("plain decimals and exponents are floats") {
  CHECK(value("1.5").is_number_float());
  CHECK(value("1.5") == 1.5);
  CHECK(value("-.5") == -0.5);
  CHECK(value("2e3") == 2000.0);
  CHECK(value("1.") == 1.0);
  CHECK(value("\"1.5\"") == "1.5");
}

TEST_CASE("text that merely looks numeric stays a string") {
  CHECK(value("08:30") == "08:30");
  CHECK(value("192.0.2.10") == "192.0.2.10");
  CHECK(value("1.2.3") == "1.2.3");
  CHECK(value("2026-12-24") == "2026-12-24");
  CHECK(value("1e") == "1e");
  CHECK(value("+") == "+");
  CHECK(value(".") == ".");
}

TEST_CASE("integers too large for 64 bits become floats") {
  nlohmann::json j = value("123456789012345678901234567890");
  CHECK(j.is_number_float());
}

TEST_CASE("block scalars are strings") {
  CHECK(convert("v: |\n  5060\n")["v"] == "5060\n");
  CHECK(convert("v: >-\n  true\n")["v"] == "true");
}

TEST_CASE("mappings and sequences convert recursively") {
  nlohmann::json j = convert("a: {b: [1, \"2\", x, {c: null}]}\nd: []\ne: {}\n");
  CHECK(j == nlohmann::json::parse(R"({"a": {"b": [1, "2", "x", {"c": null}]}, "d": [], "e": {}})"));
}

TEST_CASE("duplicate keys are reported at the second key and the first value is kept") {
  Problems problems;
  nlohmann::json j = convert("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", problems);
  REQUIRE(problems.items().size() == 2u);
  CHECK(problems.items()[0].to_text() == "t.yaml:4:3: error: duplicate key \"c\" (the first one would be silently lost)");
  CHECK(problems.items()[1].to_text() == "t.yaml:5:1: error: duplicate key \"a\" (the first one would be silently lost)");
  CHECK(j["a"] == 1);
  CHECK(j["b"]["c"] == 1);
}

TEST_CASE("non-scalar mapping keys are reported and skipped") {
  Problems problems;
  nlohmann::json j = convert("ok: 1\n? [a, b]\n: 2\n? {k: v}\n: 3\n", problems);
  REQUIRE(problems.items().size() == 2u);
  CHECK(problems.items()[0].to_text() == "t.yaml:2:3: error: a mapping key must be a plain value, not a list or mapping");
  CHECK(problems.items()[1].to_text() == "t.yaml:4:3: error: a mapping key must be a plain value, not a list or mapping");
  CHECK(j == nlohmann::json::parse(R"({"ok": 1})"));
}

TEST_CASE("is_plain_number is true only for unquoted numbers") {
  YAML::Node n = YAML::Load("a: 5060\nb: \"5060\"\nc: +33140000000\nd: 1.5\ne: text\nf: [1]\ng: true\n");
  CHECK(is_plain_number(n["a"]));
  CHECK_FALSE(is_plain_number(n["b"]));
  CHECK(is_plain_number(n["c"]));
  CHECK(is_plain_number(n["d"]));
  CHECK_FALSE(is_plain_number(n["e"]));
  CHECK_FALSE(is_plain_number(n["f"]));
  CHECK_FALSE(is_plain_number(n["g"]));
}

TEST_CASE("hexadecimal and octal plain scalars are integers as in the yaml 1.2 core schema") {
  // The core schema reads 0x13C4 and 0o12 as integers (yaml_json.h promises core-schema typing).
  CHECK(value("0x13C4") == 5060);
  CHECK(value("0o12") == 10);
  CHECK(value("\"0x13C4\"") == "0x13C4");
}

}  // namespace
}  // namespace c4
