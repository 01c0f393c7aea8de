// The revisions table and the one-row reconciler_status: the one place where the outcome of
// a reconcile is written, so what the API shows always matches what happened.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/status.h"
#include "model/problem.h"

namespace c4 {

enum class RevisionResult { applied, unchanged, failed };
std::string_view result_name(RevisionResult r);

struct RevisionRecord {
  std::string commit_id;
  std::string parent_id;
  std::string author;
  std::string message;
  std::string source;
  std::chrono::system_clock::time_point started_at, finished_at;
  RevisionResult result = RevisionResult::failed;
  std::string failed_step;                          // for failed revisions
  nlohmann::json counts = nlohmann::json::object();  // plan_to_json(plan)["counts"]
  nlohmann::json errors = nlohmann::json::array();   // Problem::to_json() of each problem
};

// Inserts the revision row; for applied and unchanged revisions also makes it the live one.
// Runs inside the caller's transaction (the apply's, so both commit or neither). Returns the
// new revision id.
Result<int64_t> record_revision(pqxx::transaction_base& txn, const RevisionRecord& record);

// Records a failed revision in its own transaction (the apply's, if any, was rolled back).
Result<int64_t> record_failed_revision(pqxx::connection& conn, const RevisionRecord& record);

// Adds `corrected` objects (ObjectKey displays) to the drift counters. Caller's transaction.
Status record_drift(pqxx::transaction_base& txn, const nlohmann::json& corrected);

struct ReconcilerStatus {
  std::optional<int64_t> live_revision_id;
  std::string live_commit_id;
  std::optional<int64_t> last_attempt_id;
  std::string last_attempt_result;
  std::string last_attempt_commit_id;
  std::string last_attempt_failed_step;
  nlohmann::json last_attempt_errors = nlohmann::json::array();
  std::string last_attempt_finished_at;  // ISO-8601
  int64_t drift_count = 0;
  std::string last_drift_at;
  nlohmann::json last_drift = nlohmann::json::array();
  nlohmann::json to_json() const;
};

Result<ReconcilerStatus> read_status(pqxx::transaction_base& txn);

}  // namespace c4
