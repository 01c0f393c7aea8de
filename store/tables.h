// How each kind maps onto its database table (store/migrations/0001_config_tables.sql):
// the table and the foreign-key columns that hold its by-name references (both from the
// registry of kinds, model/kind.h), and the columns computed from the typed object that the
// API and SQL users read directly. One table of facts instead of per-kind SQL in every stage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"

namespace c4 {

// A single by-name reference held as a foreign key (model/kind.h).
using RefColumn = KindRef;

// A column computed from the typed object (e.g. domains.domain), as text or NULL.
struct ValueColumn {
  const char* column;
  const char* sql_type;  // cast applied to the text parameter: "text", "uuid", "integer"
};

struct KindTable {
  Kind kind;
  const char* table;                   // kind_info(kind).table
  const std::vector<RefColumn>& refs;  // kind_info(kind).refs
  std::vector<ValueColumn> values;
};

const KindTable& kind_table(Kind kind);

// The value columns of `object`, in KindTable::values order: none unless its kind has an
// overload below.
template <typename T>
std::vector<std::optional<std::string>> value_columns(const T&) {
  return {};
}
std::vector<std::optional<std::string>> value_columns(const Tenant& o);
std::vector<std::optional<std::string>> value_columns(const Domain& o);
std::vector<std::optional<std::string>> value_columns(const DID& o);
std::vector<std::optional<std::string>> value_columns(const RoutingRule& o);
std::vector<std::optional<std::string>> value_columns(const ApiToken& o);

// The reference names of `object` for KindTable::refs, in order ("" = not set).
template <typename T>
std::vector<std::string> ref_names(const T& object) {
  std::vector<std::string> names;
  for (const auto& ref : kind_table(kind_of<T>).refs) {
    auto it = object.meta.spec.find(ref.field);
    names.push_back(it != object.meta.spec.end() && it->is_string() ? it->template get<std::string>() : "");
  }
  return names;
}

}  // namespace c4
