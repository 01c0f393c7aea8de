#include "api/server/config_views.h"

#include <cctype>
#include <functional>
#include <map>
#include <stdexcept>

#include "api/server/pooled_read.h"
#include "api/server/query_params.h"
#include "common/text.h"
#include "common/uuid.h"
#include "model/kind.h"
#include "model/redaction.h"
#include "api/error_vocabulary.h"

namespace c4::api {
namespace {

// An extra column of a kind's rows: output field, SQL expression, and how to read it.
struct Column {
  enum class Type { integer, text, json };
  const char* field;
  std::string sql;
  Type type;
};

struct KindView {
  Kind kind;
  std::string path;    // "carrier_trunks"
  std::string table;
  std::string noun;    // "carrier trunk", for messages
  // How the row's tenant is joined as `ten`; empty for api_tokens (which have several).
  std::string tenant_join;
  std::vector<Column> columns;
};

using T = Column::Type;

// The columns a kind shows beyond its references: computed ones, and its link tables.
std::vector<Column> extra_columns(Kind kind) {
  switch (kind) {
    case Kind::Domain: return {{"domain", "t.domain", T::text}};
    case Kind::RoutingRule:
      return {{"priority", "t.priority", T::integer},
              {"carrier_trunk_ids",
               "(SELECT coalesce(json_agg(x.carrier_trunk_id ORDER BY x.position), '[]') FROM routing_rule_targets x "
               "WHERE x.routing_rule_id = t.id)",
               T::json}};
    case Kind::ApiToken:
      return {{"tenant_uuids",
               "(SELECT coalesce(json_agg(x.uuid ORDER BY x.uuid), '[]') FROM api_token_tenants att "
               "JOIN tenants x ON x.id = att.tenant_id WHERE att.api_token_id = t.id)",
               T::json}};
    default: return {};
  }
}

// One view per kind of the registry (model/kind.h): its references as id columns, then its extras.
const std::vector<KindView>& kinds() {
  static const std::vector<KindView> views = [] {
    std::vector<KindView> out;
    for (const KindInfo& info : all_kinds()) {
      KindView view{info.kind, info.rest_path, info.table, info.noun, "", {}};
      if (info.kind == Kind::Tenant) view.tenant_join = "JOIN tenants ten ON ten.id = t.id";
      else if (info.tenant_scoped) view.tenant_join = "JOIN tenants ten ON ten.id = t.tenant_id";
      for (const KindRef& ref : info.refs) view.columns.push_back({ref.column, std::string("t.") + ref.column, T::integer});
      for (auto& c : extra_columns(info.kind)) view.columns.push_back(c);
      out.push_back(std::move(view));
    }
    return out;
  }();
  return views;
}

std::string uuid_array(const TenantScope& scope, pqxx::transaction_base& txn) {
  std::string list;
  for (const auto& u : scope.tenant_uuids) list += (list.empty() ? "" : ",") + u;
  return txn.quote("{" + list + "}") + "::uuid[]";
}

// The WHERE conditions every query of `view` has for `scope`.
std::vector<std::string> scope_conditions(const KindView& view, const TenantScope& scope, pqxx::transaction_base& txn) {
  if (scope.all) return {};
  if (!view.tenant_join.empty()) return {"ten.uuid = ANY(" + uuid_array(scope, txn) + ")"};
  // A token is shown only to a scope that covers every tenant it sees (and it sees one at least).
  return {"EXISTS (SELECT 1 FROM api_token_tenants att WHERE att.api_token_id = t.id)",
          "NOT EXISTS (SELECT 1 FROM api_token_tenants att JOIN tenants x ON x.id = att.tenant_id "
          "WHERE att.api_token_id = t.id AND x.uuid <> ALL(" + uuid_array(scope, txn) + "))"};
}

// Matches a tenant given by name or UUID.
std::string tenant_condition(const KindView& view, const std::string& tenant, pqxx::transaction_base& txn) {
  std::string by = "(x.name = " + txn.quote(tenant) +
                   (is_uuid(tenant) ? " OR x.uuid = " + txn.quote(ascii_lower(tenant)) + "::uuid" : "") + ")";
  if (view.tenant_join.empty())
    return "EXISTS (SELECT 1 FROM api_token_tenants att JOIN tenants x ON x.id = att.tenant_id "
           "WHERE att.api_token_id = t.id AND " + by + ")";
  std::string on_ten = by;
  for (size_t p; (p = on_ten.find("x.")) != std::string::npos;) on_ten.replace(p, 2, "ten.");
  return on_ten;
}

std::string select_sql(const KindView& view) {
  std::string sql = "SELECT t.id, t.name, ";
  sql += view.tenant_join.empty() ? "NULL, NULL, " : "ten.uuid::text, ten.name, ";
  sql += "t.labels::text, t.spec::text";
  for (const auto& c : view.columns) sql += std::string(", (") + c.sql + ")::text";
  sql += " FROM " + view.table + " t " + view.tenant_join;
  return sql;
}

std::string where(const std::vector<std::string>& conditions) {
  std::string out;
  for (const auto& c : conditions) out += (out.empty() ? " WHERE " : " AND ") + c;
  return out;
}

nlohmann::json row_json(const KindView& view, const pqxx::row& row) {
  nlohmann::json o = api_spec_fields(nlohmann::json::parse(row[5].c_str()));
  if (view.kind == Kind::ApiToken) o.erase("sha256");
  o["id"] = row[0].as<int64_t>();
  o["name"] = row[1].c_str();
  if (view.kind == Kind::Tenant) {
    o["uuid"] = row[2].c_str();
  } else if (!view.tenant_join.empty()) {
    o["tenant_uuid"] = row[2].c_str();
    o["tenant"] = row[3].c_str();
  }
  o["labels"] = nlohmann::json::parse(row[4].c_str());
  for (size_t i = 0; i < view.columns.size(); ++i) {
    const auto& field = row[static_cast<int>(6 + i)];
    const Column& c = view.columns[i];
    if (field.is_null()) o[c.field] = nullptr;
    else if (c.type == T::integer) o[c.field] = field.as<int64_t>();
    else if (c.type == T::json) o[c.field] = nlohmann::json::parse(field.c_str());
    else o[c.field] = field.c_str();
  }
  return o;
}

// A DID's numbers, ranges and prefixes live in child tables: added to each DID of `items`.
void add_did_numbers(nlohmann::json& items, pqxx::transaction_base& txn) {
  if (items.empty()) return;
  std::string ids;
  std::map<int64_t, nlohmann::json*> by_id;
  for (auto& item : items) {
    int64_t id = item["id"].get<int64_t>();
    ids += (ids.empty() ? "" : ",") + std::to_string(id);
    by_id[id] = &item;
    item["numbers"] = nlohmann::json::array();
    item["ranges"] = nlohmann::json::array();
    item["prefixes"] = nlohmann::json::array();
  }
  std::string in = " WHERE did_id IN (" + ids + ") ";
  for (const auto& r : txn.exec("SELECT did_id, number FROM did_numbers" + in + "ORDER BY number"))
    (*by_id[r[0].as<int64_t>()])["numbers"].push_back(r[1].c_str());
  for (const auto& r : txn.exec("SELECT did_id, first_number, last_number FROM did_ranges" + in + "ORDER BY first_number"))
    (*by_id[r[0].as<int64_t>()])["ranges"].push_back({{"from", r[1].c_str()}, {"to", r[2].c_str()}});
  for (const auto& r : txn.exec("SELECT did_id, prefix FROM did_prefixes" + in + "ORDER BY prefix"))
    (*by_id[r[0].as<int64_t>()])["prefixes"].push_back(r[1].c_str());
}

HttpReply list_objects(const KindView& view, ConnectionPool& pool, const ApiRequest& request) {
  if (auto bad = unknown_parameter(request, {"offset", "limit", "name", "tenant", "label"})) return *bad;
  Page page;
  HttpReply error;
  std::vector<std::pair<std::string, std::string>> labels;
  if (!parse_page(request, page, error) || !parse_labels(request, labels, error)) return error;
  return pooled_read(pool, "listing " + view.path, [&](pqxx::read_transaction& txn) {
    auto conditions = scope_conditions(view, request.scope, txn);
    if (const std::string* name = request.query_value("name")) conditions.push_back("t.name = " + txn.quote(*name));
    if (const std::string* tenant = request.query_value("tenant"))
      conditions.push_back(tenant_condition(view, *tenant, txn));
    for (const auto& [key, value] : labels)
      conditions.push_back("t.labels @> " + txn.quote(nlohmann::json{{key, value}}.dump()) + "::jsonb");
    std::string from = " FROM " + view.table + " t " + view.tenant_join + where(conditions);
    int64_t total = txn.exec1("SELECT count(*)" + from)[0].as<int64_t>();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : txn.exec(select_sql(view) + where(conditions) + " ORDER BY t.id LIMIT " +
                                    std::to_string(page.limit) + " OFFSET " + std::to_string(page.offset)))
      items.push_back(row_json(view, row));
    if (view.kind == Kind::DID) add_did_numbers(items, txn);
    return json_reply(200, {{"items", std::move(items)}, {"total", total}});
  });
}

HttpReply one_object(const KindView& view, ConnectionPool& pool, const ApiRequest& request,
                     const std::function<std::vector<std::string>(pqxx::transaction_base&)>& identify,
                     const std::string& described) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  return pooled_read(pool, "reading " + view.noun + " " + described, [&](pqxx::read_transaction& txn) {
    auto conditions = scope_conditions(view, request.scope, txn);
    for (auto& c : identify(txn)) conditions.push_back(std::move(c));
    auto rows = txn.exec(select_sql(view) + where(conditions) + " LIMIT 1");
    if (rows.empty())
      return error_reply(404, "not_found", "no " + view.noun + " " + described);
    nlohmann::json items = nlohmann::json::array({row_json(view, rows[0])});
    if (view.kind == Kind::DID) add_did_numbers(items, txn);
    return json_reply(200, items[0]);
  });
}

// GET /1.0/<kind>/{id}: a positive id; for tenants also the tenant's UUID (the old service
// keyed tenants by UUID: /1.0/tenants/{uuid}).
HttpReply object_by_id(const KindView& view, ConnectionPool& pool, const ApiRequest& request) {
  const std::string& text = request.path_params.at("id");
  if (view.path == "tenants" && is_uuid(text)) {
    std::string uuid = ascii_lower(text);
    return one_object(view, pool, request, [&](pqxx::transaction_base& txn) {
      return std::vector<std::string>{"t.uuid = " + txn.quote(uuid) + "::uuid"};
    }, "with uuid " + uuid);
  }
  auto id = parse_positive_id(text);
  if (!id)
    return invalid_input_reply("path", "id", "path parameter id: \"" + text + "\" is not a positive whole number" +
                                                 (view.path == "tenants" ? " or a tenant UUID" : ""));
  return one_object(view, pool, request, [&](pqxx::transaction_base&) {
    return std::vector<std::string>{"t.id = " + std::to_string(*id)};
  }, "with id " + std::to_string(*id));
}

const KindView& kind_view(const std::string& path) {
  for (const auto& v : kinds())
    if (v.path == path) return v;
  throw std::invalid_argument("no configuration kind " + path);
}

}  // namespace

void mount_kind_alias(Server& server, std::shared_ptr<ConnectionPool> pool, const std::string& kind,
                      const std::string& alias) {
  const KindView* v = &kind_view(kind);
  server.mount("GET", alias, Access::reader, [v, pool](const ApiRequest& r) { return list_objects(*v, *pool, r); });
  server.mount("GET", alias + "/{id}", Access::reader,
               [v, pool](const ApiRequest& r) { return object_by_id(*v, *pool, r); });
}

std::string snake_case(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

nlohmann::json api_spec_fields(const nlohmann::json& spec) {
  if (spec.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : spec) out.push_back(api_spec_fields(v));
    return out;
  }
  if (!spec.is_object()) return spec;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : spec.items())
    out[snake_case(key)] = is_secret_field(key) ? shown_field(key, value) : api_spec_fields(value);
  return out;
}

const std::vector<std::string>& config_kind_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> out;
    for (const auto& v : kinds()) out.push_back(v.path);
    return out;
  }();
  return paths;
}

void mount_config_views(Server& server, std::shared_ptr<ConnectionPool> pool) {
  for (const KindView& view : kinds()) {
    const KindView* v = &view;  // kinds() is static: the pointer outlives the server
    std::string base = "/1.0/" + view.path;
    server.mount("GET", base, Access::reader, [v, pool](const ApiRequest& r) { return list_objects(*v, *pool, r); });
    server.mount("GET", base + "/{id}", Access::reader,
                 [v, pool](const ApiRequest& r) { return object_by_id(*v, *pool, r); });
    bool tenant_scoped = kind_info(view.kind).tenant_scoped;
    if (tenant_scoped) {
      server.mount("GET", base + "/by-name/{tenant}/{name}", Access::reader, [v, pool](const ApiRequest& r) {
        const std::string& tenant = r.path_params.at("tenant");
        const std::string& name = r.path_params.at("name");
        return one_object(*v, *pool, r, [&](pqxx::transaction_base& txn) {
          return std::vector<std::string>{tenant_condition(*v, tenant, txn), "t.name = " + txn.quote(name)};
        }, "named " + name + " in tenant " + tenant);
      });
    } else {
      server.mount("GET", base + "/by-name/{name}", Access::reader, [v, pool](const ApiRequest& r) {
        const std::string& name = r.path_params.at("name");
        return one_object(*v, *pool, r, [&](pqxx::transaction_base& txn) {
          return std::vector<std::string>{"t.name = " + txn.quote(name)};
        }, "named " + name);
      });
    }
  }
}

}  // namespace c4::api
