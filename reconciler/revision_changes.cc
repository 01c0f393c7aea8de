#include "reconciler/revision_changes.h"

#include "store/database.h"

namespace c4 {

nlohmann::json plan_changes_json(const Plan& plan, size_t max) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : plan.changes) {
    if (changes.size() >= max) break;
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : c.fields) fields.push_back(f.path);
    changes.push_back({{"action", action_name(c.action)},
                       {"kind", kind_name(c.key.kind)},
                       {"tenant", c.key.tenant},
                       {"name", c.key.name},
                       {"fields", std::move(fields)}});
  }
  return changes;
}

Status record_revision_changes(pqxx::transaction_base& txn, int64_t revision_id, const Plan& plan) {
  try {
    txn.exec_params("UPDATE revisions SET changes = $1::jsonb, changes_total = $2 WHERE id = $3",
                    plan_changes_json(plan).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    static_cast<int64_t>(plan.changes.size()), revision_id);
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "recording the changes of revision " + std::to_string(revision_id));
  }
}

}  // namespace c4
