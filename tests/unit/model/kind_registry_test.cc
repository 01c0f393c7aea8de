// model/kind.h: the registry of kinds agrees with the schemas, the migrations and itself, so
// code that reads it (tables, REST views, redaction, projection) can trust every row.
#include "model/kind.h"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "model/redaction.h"
#include "model/schema_set.h"
#include "store/migrations.h"
#include "store/tables.h"

namespace c4 {
namespace {

// The text of `CREATE TABLE <table> (…);` in the embedded migrations, or "".
std::string create_table(const std::string& table) {
  for (const auto& [name, sql] : embedded_migrations()) {
    std::smatch m;
    std::regex create("CREATE TABLE " + table + " \\(([^;]*)\\);");
    if (std::regex_search(sql, m, create)) return m[1];
  }
  return "";
}

// Whether `spec_schema` (a kind's spec schema, with its nested objects) has property `key`.
bool has_property(const nlohmann::json& node, const std::string& key) {
  if (node.is_object()) {
    if (node.contains("properties") && node["properties"].contains(key)) return true;
    for (const auto& [_, child] : node.items())
      if (has_property(child, key)) return true;
  } else if (node.is_array()) {
    for (const auto& child : node)
      if (has_property(child, key)) return true;
  }
  return false;
}

TEST_CASE("the registry lists every kind once in declaration order") {
  std::set<std::string> names, tables, paths;
  for (size_t i = 0; i < all_kinds().size(); ++i) {
    const KindInfo& info = all_kinds()[i];
    CAPTURE(info.name);
    CHECK(static_cast<size_t>(info.kind) == i);
    CHECK(kind_from_name(info.name) == info.kind);
    CHECK(names.insert(std::string(info.name)).second);
    CHECK(tables.insert(info.table).second);
    CHECK(paths.insert(info.rest_path).second);
    CHECK(std::string(info.noun).size() > 0);
  }
}

TEST_CASE("each kind's table and reference columns exist in the migrations") {
  for (const KindInfo& info : all_kinds()) {
    CAPTURE(info.name);
    std::string columns = create_table(info.table);
    REQUIRE_MESSAGE(!columns.empty(), "no CREATE TABLE " << info.table << " in reconciler/migrations");
    CHECK((columns.find("tenant_id ") != std::string::npos) == (info.tenant_scoped && info.kind != Kind::Tenant));
    for (const KindRef& ref : info.refs) {
      CAPTURE(ref.column);
      CHECK(columns.find(std::string(ref.column) + " ") != std::string::npos);
      CHECK(columns.find(std::string("REFERENCES ") + kind_info(ref.target).table + "(id)") != std::string::npos);
      CHECK(ref.target < info.kind);  // references point back in dependency order
    }
    CHECK(kind_table(info.kind).table == std::string(info.table));
    CHECK(kind_table(info.kind).refs.size() == info.refs.size());
  }
}

TEST_CASE("each reference and secret field of the registry is a field of the kind's schema") {
  for (const KindInfo& info : all_kinds()) {
    CAPTURE(info.name);
    auto schema = nlohmann::json::parse(embedded_schemas().at(std::string(info.schema_file)));
    const auto& spec = schema["properties"]["spec"];
    for (const KindRef& ref : info.refs) {
      CAPTURE(ref.field);
      CHECK(spec["properties"].contains(ref.field));
    }
    for (const char* secret : info.secret_fields) {
      CAPTURE(secret);
      CHECK(has_property(spec, secret));
      CHECK(is_secret_field(secret));
    }
  }
}

TEST_CASE("the secret rule covers exactly the registry's secret fields") {
  CHECK(is_secret_field("password"));
  CHECK(is_secret_field("ha1"));
  CHECK_FALSE(is_secret_field("passwordFrom"));  // a reference to a secret, shown as written
  CHECK_FALSE(is_secret_field("username"));
  CHECK(shown_field("ha1", "abc") == std::string(kRedacted));
  CHECK(shown_field("ha1", nullptr).is_null());
}

TEST_CASE("the kinds projected as source addresses name their entries") {
  for (const KindInfo& info : all_kinds()) {
    CAPTURE(info.name);
    CHECK((info.projection == RedisProjection::source_addresses) == (std::string(info.projection_label) != ""));
  }
  CHECK(kind_info(Kind::CarrierTrunk).projection_label == std::string("carrier_trunk"));
  CHECK(kind_info(Kind::IPBX).projection_label == std::string("ipbx"));
  CHECK(kind_info(Kind::DID).projection == RedisProjection::did_numbers);
}

}  // namespace
}  // namespace c4
