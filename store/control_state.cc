#include "store/control_state.h"

#include "store/database.h"
#include "store/revision_log.h"

namespace c4 {
namespace {

std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

nlohmann::json ControlState::to_json() const {
  auto str = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  return {{"suspended", suspended}, {"since", str(suspended_at)}, {"reason", str(reason)},
          {"pinned_commit", str(pinned_commit_id)}};
}

Result<ControlState> read_control(pqxx::transaction_base& txn) {
  try {
    auto row = txn.exec1(
        "SELECT suspended, to_char(suspended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " coalesce(suspended_reason, ''), coalesce(pinned_commit_id, '') FROM reconciler_status");
    ControlState s;
    s.suspended = row[0].as<bool>();
    s.suspended_at = row[1].is_null() ? "" : row[1].as<std::string>();
    s.reason = row[2].as<std::string>();
    s.pinned_commit_id = row[3].as<std::string>();
    return s;
  } catch (const std::exception& e) {
    return database_error(e, "reading the reconciler's suspension");
  }
}

Status suspend_reconciler(pqxx::transaction_base& txn, const std::string& reason) {
  try {
    // A second suspend keeps the time of the first: "since" is when applying stopped.
    txn.exec_params(
        "UPDATE reconciler_status SET suspended = true, suspended_at = coalesce(suspended_at, now()),"
        " suspended_reason = $1, updated_at = now()",
        text_or_null(reason));
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "suspending the reconciler");
  }
}

Status resume_reconciler(pqxx::transaction_base& txn) {
  try {
    txn.exec(
        "UPDATE reconciler_status SET suspended = false, suspended_at = NULL, suspended_reason = NULL,"
        " pinned_commit_id = NULL, updated_at = now()");
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "resuming the reconciler");
  }
}

Status pin_reconciler(pqxx::transaction_base& txn, const std::string& commit_id, const std::string& reason) {
  try {
    txn.exec_params(
        "UPDATE reconciler_status SET suspended = true, suspended_at = coalesce(suspended_at, now()),"
        " suspended_reason = $2, pinned_commit_id = $1, updated_at = now()",
        commit_id, text_or_null(reason));
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "pinning commit " + commit_id);
  }
}

nlohmann::json BranchState::to_json() const {
  return {{"tip", tip.empty() ? nlohmann::json() : nlohmann::json(tip)},
          {"behind", behind ? nlohmann::json(*behind) : nlohmann::json()},
          {"checked_at", checked_at.empty() ? nlohmann::json() : nlohmann::json(checked_at)}};
}

Result<BranchState> read_branch(pqxx::transaction_base& txn) {
  try {
    auto row = txn.exec1(
        "SELECT coalesce(branch_tip_id, ''), branch_behind,"
        " to_char(branch_checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM reconciler_status");
    BranchState b;
    b.tip = row[0].as<std::string>();
    if (!row[1].is_null()) b.behind = row[1].as<int64_t>();
    b.checked_at = row[2].is_null() ? "" : row[2].as<std::string>();
    return b;
  } catch (const std::exception& e) {
    return database_error(e, "reading the branch tip");
  }
}

Result<nlohmann::json> status_json(pqxx::transaction_base& txn) {
  auto status = read_status(txn);
  if (!status) return status.status();
  auto branch = read_branch(txn);
  if (!branch) return branch.status();
  auto control = read_control(txn);
  if (!control) return control.status();
  nlohmann::json body = status->to_json();
  body["branch"] = branch->to_json();
  body["control"] = control->to_json();
  return body;
}

Status record_branch_tip(pqxx::transaction_base& txn, const std::string& tip, std::optional<int64_t> behind) {
  try {
    txn.exec_params(
        "UPDATE reconciler_status SET branch_tip_id = $1, branch_behind = $2, branch_checked_at = now()",
        text_or_null(tip), behind);
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "recording the branch tip");
  }
}

}  // namespace c4
