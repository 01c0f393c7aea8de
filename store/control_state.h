// The on-call engineer's controls, kept in the one-row reconciler_status (migration 0006) so
// every reconciler instance obeys them and a restart keeps them:
//
//   suspended  the loop fetches and reports but applies nothing (and says so in its logs,
//              in GET /1.0/status and in the c4confd_reconcile_suspended gauge)
//   pinned     a past commit of the branch is applied and held live instead of the tip, until
//              resumed: the incident rollback. A pin implies suspended.
//
// Each function runs in the caller's transaction; database errors become a Status.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/status.h"

namespace c4 {

struct ControlState {
  bool suspended = false;
  std::string suspended_at;      // ISO-8601, "" when not suspended
  std::string reason;            // as given by whoever suspended ("" when none)
  std::string pinned_commit_id;  // "" when not pinned
  nlohmann::json to_json() const;  // {"suspended", "since", "reason", "pinned_commit"}
};

Result<ControlState> read_control(pqxx::transaction_base& txn);

// Suspends (keeping a pin, if any) with `reason` (may be empty).
Status suspend_reconciler(pqxx::transaction_base& txn, const std::string& reason);
// Clears suspension and pin: the next pass applies the branch tip.
Status resume_reconciler(pqxx::transaction_base& txn);
// Suspends and pins `commit_id` (a full commit id, already resolved by the caller).
Status pin_reconciler(pqxx::transaction_base& txn, const std::string& commit_id, const std::string& reason);

// The branch tip the leader fetched last, and how far behind it the live commit is.
struct BranchState {
  std::string tip;                // "" before the first pass that recorded it
  std::optional<int64_t> behind;  // commits on the branch after the live one; nullopt: unknown
  std::string checked_at;         // ISO-8601
  nlohmann::json to_json() const;  // {"tip", "behind", "checked_at"}
};
Result<BranchState> read_branch(pqxx::transaction_base& txn);

// The reconciler status (revision_log.h, read_status) as JSON with "branch" and "control"
// added: what GET /1.0/status and the controls answer.
Result<nlohmann::json> status_json(pqxx::transaction_base& txn);

// Where the branch is compared with the live revision, written by the leader after each fetch.
// `behind`: commits on the branch after the live one (nullopt when unknown).
Status record_branch_tip(pqxx::transaction_base& txn, const std::string& tip, std::optional<int64_t> behind);

}  // namespace c4
