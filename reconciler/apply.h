// Applying a plan to PostgreSQL inside the caller's transaction.
//
// Creates and updates run in dependency order, so every foreign key points at a row that
// exists; deletes run last in reverse order. Ids of existing rows never change (Kamailio keeps
// them in dialog state). Child rows (DID numbers, ranges and prefixes, routing targets, token
// tenants) of a created or updated object are rewritten whole. The caller commits, so a
// crash at any point leaves the database at the old revision or the new one.
#pragma once

#include <map>

#include <pqxx/pqxx>

#include "common/status.h"
#include "model/catalog.h"
#include "store/live_state.h"
#include "reconciler/plan.h"

namespace c4 {

using IdMap = std::map<ObjectKey, int64_t>;

struct ApplyOutcome {
  IdMap ids;  // every desired object's database id after the apply
};

// REQUIRES: `plan` was made from `desired` against `live`, read in this same transaction
// (or under the reconciler's leader lock, so nobody else wrote since).
Result<ApplyOutcome> apply_plan(pqxx::transaction_base& txn, const Catalog& desired, const Plan& plan,
                                const LiveObjects& live);

}  // namespace c4
