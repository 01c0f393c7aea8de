#include "reconciler/apply.h"

#include <set>

#include "model/canonical.h"
#include "store/database.h"
#include "store/tables.h"

namespace c4 {
namespace {

class Applier {
 public:
  Applier(pqxx::transaction_base& txn, const Catalog& desired, IdMap ids)
      : txn_(txn), desired_(desired), ids_(std::move(ids)) {}

  // Writes the rows of every create/update of kind T.
  template <typename T>
  void write_kind(const std::vector<const Change*>& changes) {
    const KindTable& table = kind_table(kind_of<T>);
    std::vector<int64_t> rewritten;  // ids whose child rows are rewritten
    std::vector<const T*> objects;
    for (const Change* c : changes) {
      const T* object = desired_.find<T>(c->key.tenant, c->key.name);
      if (!object) throw std::logic_error("plan names " + c->key.display() + ", which is not in the desired catalog");
      int64_t id = write_row(table, *object, c->action == ChangeAction::update ? ids_.at(c->key) : 0);
      ids_[c->key] = id;
      if (c->action == ChangeAction::update) rewritten.push_back(id);
      objects.push_back(object);
    }
    write_children(rewritten, objects);
  }

  void delete_rows(Kind kind, const std::vector<int64_t>& ids) {
    if (ids.empty()) return;
    txn_.exec_params(std::string("DELETE FROM ") + kind_table(kind).table + " WHERE id = ANY($1::bigint[])",
                     id_array(ids));
  }

  IdMap take_ids() { return std::move(ids_); }

 private:
  int64_t id_of(Kind kind, const std::string& tenant, const std::string& name) const {
    auto it = ids_.find({kind, kind_info(kind).tenant_scoped ? tenant : "", name});
    if (it == ids_.end())
      throw std::logic_error("no database id for " + ObjectKey{kind, tenant, name}.display());
    return it->second;
  }

  // INSERT (existing_id == 0) or UPDATE one row; returns its id.
  template <typename T>
  int64_t write_row(const KindTable& table, const T& object, int64_t existing_id) {
    const Meta& m = object.meta;
    std::vector<std::string> columns;
    std::vector<std::optional<std::string>> values;
    std::vector<std::string> casts;
    auto add = [&](std::string column, std::optional<std::string> value, std::string cast) {
      columns.push_back(std::move(column));
      values.push_back(std::move(value));
      casts.push_back(std::move(cast));
    };
    if (kind_info(table.kind).tenant_scoped) add("tenant_id", std::to_string(id_of(Kind::Tenant, "", m.tenant)), "bigint");
    add("name", m.name, "text");
    auto names = ref_names(object);
    for (size_t i = 0; i < table.refs.size(); ++i)
      add(table.refs[i].column,
          names[i].empty() ? std::nullopt : std::optional(std::to_string(id_of(table.refs[i].target, m.tenant, names[i]))),
          "bigint");
    auto extra = value_columns(object);
    for (size_t i = 0; i < table.values.size(); ++i) add(table.values[i].column, extra[i], table.values[i].sql_type);
    add("labels", labels_json(m).dump(), "jsonb");
    add("spec", m.spec.dump(), "jsonb");
    add("spec_hash", m.hash, "text");

    std::string sql;
    if (existing_id == 0) {
      std::string cols, params;
      for (size_t i = 0; i < columns.size(); ++i) {
        cols += (i ? ", " : "") + columns[i];
        params += (i ? ", $" : "$") + std::to_string(i + 1) + "::" + casts[i];
      }
      sql = std::string("INSERT INTO ") + table.table + " (" + cols + ") VALUES (" + params + ") RETURNING id";
    } else {
      std::string sets;
      for (size_t i = 0; i < columns.size(); ++i)
        sets += columns[i] + " = $" + std::to_string(i + 1) + "::" + casts[i] + ", ";
      values.push_back(std::to_string(existing_id));
      sql = std::string("UPDATE ") + table.table + " SET " + sets + "updated_at = now() WHERE id = $" +
            std::to_string(values.size()) + "::bigint RETURNING id";
    }
    auto rows = txn_.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
    return rows.at(0).at(0).template as<int64_t>();
  }

  template <typename T>
  void write_children(const std::vector<int64_t>&, const std::vector<const T*>&) {}

  void write_children(const std::vector<int64_t>& rewritten, const std::vector<const DID*>& dids) {
    if (!rewritten.empty()) {
      std::string ids = id_array(rewritten);
      for (const char* table : {"did_numbers", "did_ranges", "did_prefixes"})
        txn_.exec_params(std::string("DELETE FROM ") + table + " WHERE did_id = ANY($1::bigint[])", ids);
    }
    // COPY: a cold apply writes a million numbers here.
    pqxx::stream_to numbers(txn_, "did_numbers", std::vector<std::string>{"number", "did_id"});
    for (const DID* d : dids) {
      int64_t id = ids_.at(key_of(d->meta));
      for (const auto& n : d->numbers) numbers << std::make_tuple(n.number.to_string(), id);
    }
    numbers.complete();
    pqxx::stream_to ranges(txn_, "did_ranges", std::vector<std::string>{"did_id", "first_number", "last_number"});
    for (const DID* d : dids) {
      int64_t id = ids_.at(key_of(d->meta));
      for (const auto& r : d->ranges) ranges << std::make_tuple(id, r.from.to_string(), r.to.to_string());
    }
    ranges.complete();
    pqxx::stream_to prefixes(txn_, "did_prefixes", std::vector<std::string>{"did_id", "prefix"});
    for (const DID* d : dids) {
      int64_t id = ids_.at(key_of(d->meta));
      for (const auto& p : d->prefixes) prefixes << std::make_tuple(id, "+" + p.digits);
    }
    prefixes.complete();
  }

  void write_children(const std::vector<int64_t>& rewritten, const std::vector<const RoutingRule*>& rules) {
    if (!rewritten.empty())
      txn_.exec_params("DELETE FROM routing_rule_targets WHERE routing_rule_id = ANY($1::bigint[])", id_array(rewritten));
    pqxx::stream_to targets(txn_, "routing_rule_targets",
                            std::vector<std::string>{"routing_rule_id", "position", "carrier_trunk_id", "priority", "weight"});
    for (const RoutingRule* r : rules) {
      int64_t id = ids_.at(key_of(r->meta));
      for (size_t i = 0; i < r->targets.size(); ++i) {
        const auto& t = r->targets[i];
        targets << std::make_tuple(id, static_cast<int>(i), id_of(Kind::CarrierTrunk, r->meta.tenant, t.carrier_trunk.name),
                                   t.priority, t.weight);
      }
    }
    targets.complete();
  }

  void write_children(const std::vector<int64_t>& rewritten, const std::vector<const ApiToken*>& tokens) {
    if (!rewritten.empty())
      txn_.exec_params("DELETE FROM api_token_tenants WHERE api_token_id = ANY($1::bigint[])", id_array(rewritten));
    pqxx::stream_to rows(txn_, "api_token_tenants", std::vector<std::string>{"api_token_id", "tenant_id"});
    for (const ApiToken* t : tokens) {
      std::set<std::string> seen;
      for (const auto& tenant : t->tenants)
        if (seen.insert(tenant.name).second)
          rows << std::make_tuple(ids_.at(key_of(t->meta)), id_of(Kind::Tenant, "", tenant.name));
    }
    rows.complete();
  }

  pqxx::transaction_base& txn_;
  const Catalog& desired_;
  IdMap ids_;
};

}  // namespace

Result<ApplyOutcome> apply_plan(pqxx::transaction_base& txn, const Catalog& desired, const Plan& plan,
                                const LiveObjects& live) {
  IdMap ids;
  for (const auto& [key, object] : live) ids[key] = object.id;
  Applier applier(txn, desired, std::move(ids));

  std::map<Kind, std::vector<const Change*>> writes;
  std::map<Kind, std::vector<int64_t>> deletes;
  for (const auto& c : plan.changes) {
    if (c.action == ChangeAction::remove) deletes[c.key.kind].push_back(live.at(c.key).id);
    else writes[c.key.kind].push_back(&c);
  }
  try {
    for (const auto& info : all_kinds()) {
      auto it = writes.find(info.kind);
      if (it == writes.end()) continue;
      with_kind_type(info.kind, [&](auto type) {
        applier.template write_kind<typename decltype(type)::type>(it->second);
      });
    }
    for (auto it = all_kinds().rbegin(); it != all_kinds().rend(); ++it) applier.delete_rows(it->kind, deletes[it->kind]);
  } catch (const std::logic_error& e) {
    return Status::internal(std::string("applying the plan: ") + e.what());
  } catch (const std::exception& e) {
    return database_error(e, "applying the plan");
  }
  ApplyOutcome outcome;
  outcome.ids = applier.take_ids();
  return outcome;
}

}  // namespace c4
