#include "store/tables.h"

#include "common/text.h"

namespace c4 {
namespace {

using Values = std::vector<std::optional<std::string>>;

// The value columns of `kind` (none for most kinds).
std::vector<ValueColumn> value_column_layout(Kind kind) {
  switch (kind) {
    case Kind::Tenant: return {{"uuid", "uuid"}};
    case Kind::Domain: return {{"domain", "text"}};
    case Kind::DID: return {{"regex", "text"}};
    case Kind::RoutingRule: return {{"priority", "integer"}};
    case Kind::ApiToken: return {{"sha256", "text"}};
    default: return {};
  }
}

}  // namespace

const KindTable& kind_table(Kind kind) {
  static const std::vector<KindTable> tables = [] {
    std::vector<KindTable> out;
    for (const KindInfo& info : all_kinds()) out.push_back({info.kind, info.table, info.refs, value_column_layout(info.kind)});
    return out;
  }();
  return tables[static_cast<size_t>(kind)];
}

Values value_columns(const Tenant& o) { return {o.uuid}; }
Values value_columns(const Domain& o) { return {o.domain}; }
Values value_columns(const DID& o) { return {text_or_null(o.regex)}; }
Values value_columns(const RoutingRule& o) { return {std::to_string(o.priority)}; }
Values value_columns(const ApiToken& o) { return {o.sha256}; }

}  // namespace c4
