#include "store/revision_log.h"

#include "common/text.h"
#include "store/database.h"

namespace c4 {
namespace {

// Seconds since the epoch with microseconds, which PostgreSQL's to_timestamp() reads exactly.
std::string epoch(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return std::to_string(us / 1000000) + "." + std::to_string(1000000 + us % 1000000).substr(1);
}

int64_t insert_row(pqxx::transaction_base& txn, const RevisionRecord& r) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.finished_at - r.started_at).count();
  auto row = txn.exec_params1(
      "INSERT INTO revisions (commit_id, parent_id, author, message, source, started_at, finished_at, duration_ms,"
      " result, failed_step, counts, errors) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8),"
      " to_timestamp($7::float8), $8, $9, $10, $11::jsonb, $12::jsonb) RETURNING id",
      r.commit_id, text_or_null(r.parent_id), text_or_null(r.author), text_or_null(r.message), r.source,
      epoch(r.started_at), epoch(r.finished_at), static_cast<int64_t>(ms), std::string(result_name(r.result)),
      text_or_null(r.failed_step), r.counts.dump(), r.errors.dump());
  return row[0].as<int64_t>();
}

}  // namespace

std::string_view result_name(RevisionResult r) {
  switch (r) {
    case RevisionResult::applied: return "applied";
    case RevisionResult::unchanged: return "unchanged";
    case RevisionResult::failed: return "failed";
  }
  return "failed";
}

Result<int64_t> record_revision(pqxx::transaction_base& txn, const RevisionRecord& record) {
  try {
    int64_t id = insert_row(txn, record);
    if (record.result == RevisionResult::failed) {
      txn.exec_params("UPDATE reconciler_status SET last_attempt_id = $1, updated_at = now()", id);
    } else {
      txn.exec_params(
          "UPDATE reconciler_status SET live_revision_id = $1, live_commit_id = $2, last_attempt_id = $1,"
          " updated_at = now()",
          id, record.commit_id);
    }
    return id;
  } catch (const std::exception& e) {
    return database_error(e, "recording revision " + record.commit_id);
  }
}

Result<int64_t> record_failed_revision(pqxx::connection& conn, const RevisionRecord& record) {
  try {
    pqxx::work txn(conn);
    auto id = record_revision(txn, record);
    if (!id) return id;
    txn.commit();
    return id;
  } catch (const std::exception& e) {
    return database_error(e, "recording failed revision " + record.commit_id);
  }
}

Status record_drift(pqxx::transaction_base& txn, const nlohmann::json& corrected) {
  try {
    txn.exec_params(
        "UPDATE reconciler_status SET drift_count = drift_count + $1, last_drift_at = now(), last_drift = $2::jsonb,"
        " updated_at = now()",
        static_cast<int64_t>(corrected.size()), corrected.dump());
    return Status::ok();
  } catch (const std::exception& e) {
    return database_error(e, "recording drift");
  }
}

Result<ReconcilerStatus> read_status(pqxx::transaction_base& txn) {
  try {
    auto row = txn.exec1(
        "SELECT s.live_revision_id, s.live_commit_id, s.last_attempt_id, a.result, a.commit_id, a.failed_step,"
        " a.errors::text, to_char(a.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), s.drift_count,"
        " to_char(s.last_drift_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), s.last_drift::text"
        " FROM reconciler_status s LEFT JOIN revisions a ON a.id = s.last_attempt_id");
    ReconcilerStatus s;
    if (!row[0].is_null()) s.live_revision_id = row[0].as<int64_t>();
    s.live_commit_id = row[1].is_null() ? "" : row[1].as<std::string>();
    if (!row[2].is_null()) s.last_attempt_id = row[2].as<int64_t>();
    s.last_attempt_result = row[3].is_null() ? "" : row[3].as<std::string>();
    s.last_attempt_commit_id = row[4].is_null() ? "" : row[4].as<std::string>();
    s.last_attempt_failed_step = row[5].is_null() ? "" : row[5].as<std::string>();
    if (!row[6].is_null()) s.last_attempt_errors = nlohmann::json::parse(row[6].as<std::string>());
    s.last_attempt_finished_at = row[7].is_null() ? "" : row[7].as<std::string>();
    s.drift_count = row[8].as<int64_t>();
    s.last_drift_at = row[9].is_null() ? "" : row[9].as<std::string>();
    s.last_drift = nlohmann::json::parse(row[10].as<std::string>());
    return s;
  } catch (const std::exception& e) {
    return database_error(e, "reading reconciler status");
  }
}

nlohmann::json ReconcilerStatus::to_json() const {
  auto opt = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  auto str = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  return {{"live_revision_id", opt(live_revision_id)},
          {"live_commit", str(live_commit_id)},
          {"last_attempt",
           {{"revision_id", opt(last_attempt_id)},
            {"commit", str(last_attempt_commit_id)},
            {"result", str(last_attempt_result)},
            {"failed_step", str(last_attempt_failed_step)},
            {"finished_at", str(last_attempt_finished_at)},
            {"errors", last_attempt_errors}}},
          {"drift", {{"count", drift_count}, {"last_at", str(last_drift_at)}, {"last", last_drift}}}};
}

}  // namespace c4
