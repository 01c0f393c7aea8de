// What a revision changed, kept with its row (revisions.changes, migration 0006) so that
// GET /1.0/revisions/{id} can show it long after the plan is gone.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/status.h"
#include "reconciler/plan.h"

namespace c4 {

// At most this many changed objects are kept per revision (changes_total has the count).
inline constexpr size_t kRecordedChanges = 1000;

// The first `max` changes of `plan`, with the paths of changed fields but not their values
// (cheap at any size; a value may be a secret or a million numbers):
// [{"action": "update", "kind": "DID", "tenant": "acme", "name": "x", "fields": ["/spec/numbers"]}].
nlohmann::json plan_changes_json(const Plan& plan, size_t max = kRecordedChanges);

// Stores plan_changes_json(plan) and the number of changes on revision `revision_id`, in the
// caller's transaction (the apply's, so the row and its changes commit together).
Status record_revision_changes(pqxx::transaction_base& txn, int64_t revision_id, const Plan& plan);

}  // namespace c4
