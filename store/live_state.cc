#include "store/live_state.h"

#include <optional>
#include <set>

#include "model/canonical.h"
#include "store/database.h"
#include "store/tables.h"

namespace c4 {
namespace {

std::string select_identity(const KindTable& t) {
  if (!kind_info(t.kind).tenant_scoped)
    return std::string("SELECT x.id, '' AS tenant, x.name, x.spec_hash FROM ") + t.table + " x";
  return std::string("SELECT x.id, tn.name AS tenant, x.name, x.spec_hash FROM ") + t.table +
         " x JOIN tenants tn ON tn.id = x.tenant_id";
}

// SELECT of labels, spec and the names behind every foreign-key column.
std::string select_content(const KindTable& t) {
  std::string cols = "x.id, x.name, x.labels::text, x.spec::text";
  std::string joins;
  cols += kind_info(t.kind).tenant_scoped ? ", tn.name" : ", ''";
  if (kind_info(t.kind).tenant_scoped) joins += " JOIN tenants tn ON tn.id = x.tenant_id";
  for (size_t i = 0; i < t.refs.size(); ++i) {
    std::string alias = "r" + std::to_string(i);
    cols += ", " + alias + ".name";
    joins += std::string(" LEFT JOIN ") + kind_table(t.refs[i].target).table + " " + alias + " ON " + alias +
             ".id = x." + t.refs[i].column;
  }
  return "SELECT " + cols + " FROM " + t.table + " x" + joins;
}

// Lists of DIDs by id, as canonical sorted text: of the DIDs `ids` only, or of every DID when
// `ids` is nullopt. Filtering in SQL (did_numbers is indexed on did_id) is what keeps a plan
// that updates one DID from reading the million numbers of all the others.
std::map<int64_t, DidLists> read_did_lists(pqxx::transaction_base& txn, const std::optional<std::vector<int64_t>>& ids) {
  std::map<int64_t, DidLists> lists;
  std::string where = ids ? " WHERE did_id = ANY($1::bigint[])" : "";
  auto rows = [&](const std::string& sql) {
    return ids ? txn.exec_params(sql, id_array(*ids)) : txn.exec_params(sql);
  };
  for (const auto& row : rows("SELECT did_id, number FROM did_numbers" + where + " ORDER BY did_id, number"))
    lists[row[0].as<int64_t>()].numbers.push_back(row[1].as<std::string>());
  for (const auto& row : rows("SELECT did_id, first_number || '..' || last_number FROM did_ranges" + where))
    lists[row[0].as<int64_t>()].ranges.push_back(row[1].as<std::string>());
  for (const auto& row : rows("SELECT did_id, prefix FROM did_prefixes" + where))
    lists[row[0].as<int64_t>()].prefixes.push_back(row[1].as<std::string>());
  for (auto& [_, l] : lists) l.sort();
  return lists;
}

// routing_rule_targets rebuilt onto spec.targets: trunk names by position, with the
// priority and weight the rows hold where the manifest spelled them out or they differ
// from the defaults.
void overlay_targets(pqxx::transaction_base& txn, std::map<int64_t, nlohmann::json*>& specs) {
  std::map<int64_t, std::vector<std::tuple<std::string, int, int>>> rows;
  for (const auto& row : txn.exec(
           "SELECT t.routing_rule_id, c.name, t.priority, t.weight FROM routing_rule_targets t "
           "JOIN carrier_trunks c ON c.id = t.carrier_trunk_id ORDER BY t.routing_rule_id, t.position"))
    rows[row[0].as<int64_t>()].emplace_back(row[1].as<std::string>(), row[2].as<int>(), row[3].as<int>());
  for (auto& [id, spec] : specs) {
    nlohmann::json targets = nlohmann::json::array();
    const nlohmann::json written = spec->value("targets", nlohmann::json::array());
    for (size_t i = 0; i < rows[id].size(); ++i) {
      const auto& [trunk, priority, weight] = rows[id][i];
      nlohmann::json t = i < written.size() ? written[i] : nlohmann::json::object();
      t["carrierTrunk"] = trunk;
      if (t.contains("priority") || priority != 1) t["priority"] = priority;
      if (t.contains("weight") || weight != 1) t["weight"] = weight;
      targets.push_back(t);
    }
    if (!targets.empty() || spec->contains("targets")) (*spec)["targets"] = targets;
  }
}

void overlay_token_tenants(pqxx::transaction_base& txn, std::map<int64_t, nlohmann::json*>& specs) {
  std::map<int64_t, std::set<std::string>> rows;
  for (const auto& row : txn.exec("SELECT a.api_token_id, t.name FROM api_token_tenants a JOIN tenants t ON t.id = a.tenant_id"))
    rows[row[0].as<int64_t>()].insert(row[1].as<std::string>());
  for (auto& [id, spec] : specs) {
    std::set<std::string> written;
    for (const auto& t : spec->value("tenants", nlohmann::json::array())) written.insert(t.get<std::string>());
    // Same set: keep the manifest's order, which the hash covers; else show what the rows say.
    if (written != rows[id]) (*spec)["tenants"] = std::vector<std::string>(rows[id].begin(), rows[id].end());
  }
}

}  // namespace

Result<LiveObjects> read_live_objects(pqxx::transaction_base& txn) {
  LiveObjects out;
  try {
    for (const auto& info : all_kinds()) {
      for (const auto& row : txn.exec(select_identity(kind_table(info.kind))))
        out[{info.kind, row[1].as<std::string>(), row[2].as<std::string>()}] = {row[0].as<int64_t>(),
                                                                                 row[3].as<std::string>()};
    }
  } catch (const std::exception& e) {
    return database_error(e, "reading live objects");
  }
  return out;
}

Result<LiveContents> read_live_contents(pqxx::transaction_base& txn, const std::vector<ObjectKey>& keys) {
  std::set<ObjectKey> wanted(keys.begin(), keys.end());
  std::set<Kind> wanted_kinds;
  for (const auto& k : keys) wanted_kinds.insert(k.kind);
  LiveContents out;
  try {
    for (const auto& info : all_kinds()) {
      if (!wanted.empty() && !wanted_kinds.count(info.kind)) continue;  // not one row of it is asked for
      const KindTable& t = kind_table(info.kind);
      // The rows asked for, with their keys; DID lists are then read for these DIDs only.
      std::vector<std::pair<ObjectKey, pqxx::row>> rows;
      pqxx::result result = txn.exec(select_content(t));
      for (const auto& row : result) {
        ObjectKey key{info.kind, row[4].as<std::string>(), row[1].as<std::string>()};
        if (!wanted.empty() && !wanted.count(key)) continue;
        rows.emplace_back(std::move(key), row);
      }
      std::map<int64_t, DidLists> did_lists_by_id;
      if (info.kind == Kind::DID && !rows.empty()) {
        std::optional<std::vector<int64_t>> ids;
        if (!wanted.empty()) {
          ids.emplace();
          for (const auto& [_, row] : rows) ids->push_back(row[0].as<int64_t>());
        }
        did_lists_by_id = read_did_lists(txn, ids);
      }
      std::map<int64_t, nlohmann::json*> specs;
      for (const auto& [key, row] : rows) {
        nlohmann::json spec = nlohmann::json::parse(row[3].as<std::string>());
        for (size_t i = 0; i < t.refs.size(); ++i) {
          const auto& f = row[static_cast<pqxx::row::size_type>(5 + i)];
          if (f.is_null()) spec.erase(t.refs[i].field);
          else spec[t.refs[i].field] = f.as<std::string>();
        }
        if (info.kind == Kind::DID) spec = full_did_spec(spec, did_lists_by_id[row[0].as<int64_t>()]);
        auto& slot = out[key];
        slot = {{"labels", nlohmann::json::parse(row[2].as<std::string>())}, {"spec", std::move(spec)}};
        specs[row[0].as<int64_t>()] = &slot["spec"];
      }
      if (info.kind == Kind::RoutingRule) overlay_targets(txn, specs);
      if (info.kind == Kind::ApiToken) overlay_token_tenants(txn, specs);
    }
  } catch (const std::exception& e) {
    return database_error(e, "reading live contents");
  }
  return out;
}

std::string content_hash(Kind kind, const nlohmann::json& content) {
  const nlohmann::json& spec = content.at("spec");
  if (kind != Kind::DID) return object_hash(content.at("labels"), spec, nullptr);
  DidLists lists;
  nlohmann::json rest = spec;
  for (const auto& n : spec.value("numbers", nlohmann::json::array())) lists.numbers.push_back(n.get<std::string>());
  for (const auto& r : spec.value("ranges", nlohmann::json::array()))
    lists.ranges.push_back(r.at("from").get<std::string>() + ".." + r.at("to").get<std::string>());
  for (const auto& p : spec.value("prefixes", nlohmann::json::array())) lists.prefixes.push_back(p.get<std::string>());
  for (const char* key : {"numbers", "ranges", "prefixes"}) rest.erase(key);
  lists.sort();
  return object_hash(content.at("labels"), rest, &lists);
}

nlohmann::json desired_content(const Catalog& catalog, const ObjectKey& key) {
  return with_kind_type(key.kind, [&](auto type) -> nlohmann::json {
    using T = typename decltype(type)::type;
    const T* object = catalog.find<T>(key.tenant, key.name);
    if (!object) return nullptr;
    nlohmann::json spec = object->meta.spec;
    if constexpr (std::is_same_v<T, DID>) spec = full_did_spec(spec, did_lists(*object));
    return {{"labels", labels_json(object->meta)}, {"spec", spec}};
  });
}

}  // namespace c4
