// How each kind maps onto its database table (store/migrations/0001_config_tables.sql):
// the table, the foreign-key columns that hold its by-name references, and the columns the
// API and SQL users read directly. One table of facts instead of per-kind SQL in every stage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"

namespace c4 {

// A single by-name reference held as a foreign key: column `column` holds the id of the
// `target` object named by spec field `field`.
struct RefColumn {
  const char* column;
  const char* field;
  Kind target;
};

// A column computed from the typed object (e.g. domains.domain), as text or NULL.
struct ValueColumn {
  const char* column;
  const char* sql_type;  // cast applied to the text parameter: "text", "uuid", "integer"
};

struct KindTable {
  Kind kind;
  const char* table;
  std::vector<RefColumn> refs;
  std::vector<ValueColumn> values;
};

const KindTable& kind_table(Kind kind);

// The value columns of `object`, in KindTable::values order.
std::vector<std::optional<std::string>> value_columns(const Tenant& o);
std::vector<std::optional<std::string>> value_columns(const Domain& o);
std::vector<std::optional<std::string>> value_columns(const Carrier& o);
std::vector<std::optional<std::string>> value_columns(const NormalizationProfile& o);
std::vector<std::optional<std::string>> value_columns(const CarrierTrunk& o);
std::vector<std::optional<std::string>> value_columns(const RoutingGroup& o);
std::vector<std::optional<std::string>> value_columns(const IPBX& o);
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
