#include "api/server/revision_views.h"

#include "api/database_reply.h"
#include "api/server/pooled_read.h"
#include "api/server/query_params.h"
#include "store/revision_log.h"
#include "api/error_vocabulary.h"
#include "store/control_state.h"

namespace c4::api {
namespace {

constexpr const char* kRevisionColumns =
    "SELECT id, commit_id, parent_id, author, message, source, "
    "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "duration_ms, result, failed_step, counts::text, errors::text FROM revisions";

nlohmann::json json_text_or_null(const pqxx::field& f) { return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.c_str()); }

nlohmann::json revision_json(const pqxx::row& r) {
  return {{"id", r[0].as<int64_t>()},        {"commit_id", r[1].c_str()},     {"parent_id", json_text_or_null(r[2])},
          {"author", json_text_or_null(r[3])},    {"message", json_text_or_null(r[4])}, {"source", r[5].c_str()},
          {"started_at", r[6].c_str()},      {"finished_at", r[7].c_str()},   {"duration_ms", r[8].as<int64_t>()},
          {"result", r[9].c_str()},          {"failed_step", json_text_or_null(r[10])},
          {"counts", nlohmann::json::parse(r[11].c_str())}, {"errors", nlohmann::json::parse(r[12].c_str())}};
}

HttpReply list_revisions(ConnectionPool& pool, const ApiRequest& request) {
  if (auto bad = unknown_parameter(request, {"offset", "limit", "before", "result"})) return *bad;
  Page page;
  HttpReply error;
  if (!parse_page(request, page, error, 50)) return error;
  std::optional<int64_t> before;
  if (const std::string* v = request.query_value("before")) {
    before = parse_positive_id(*v);
    if (!before)
      return invalid_input_reply("query", "before", "query parameter before: \"" + *v + "\" is not a revision id");
    if (request.query_value("offset"))
      return invalid_input_reply("query", "offset", "query parameter offset: give offset or before, not both");
  }
  const std::string* result = request.query_value("result");
  if (result && *result != "applied" && *result != "unchanged" && *result != "failed")
    return invalid_input_reply("query", "result", "query parameter result: \"" + *result +
                       "\" is not one of applied, unchanged, failed");
  return pooled_read(pool, "listing revisions", [&](pqxx::read_transaction& txn) {
    std::string filter = result ? " WHERE result = " + txn.quote(*result) : "";
    int64_t total = txn.exec1("SELECT count(*) FROM revisions" + filter)[0].as<int64_t>();
    std::string where = filter;
    if (before) where += (where.empty() ? " WHERE " : " AND ") + std::string("id < ") + std::to_string(*before);
    nlohmann::json items = nlohmann::json::array();
    // One row more than asked tells whether there is a next page.
    auto rows = txn.exec(std::string(kRevisionColumns) + where + " ORDER BY id DESC LIMIT " +
                         std::to_string(page.limit + 1) + " OFFSET " + std::to_string(page.offset));
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < page.limit; ++i) items.push_back(revision_json(rows[i]));
    nlohmann::json next = nullptr;
    if (static_cast<int64_t>(rows.size()) > page.limit) next = items.back()["id"];
    return json_reply(200, {{"items", std::move(items)}, {"total", total}, {"next", next}});
  });
}

HttpReply get_revision(ConnectionPool& pool, const ApiRequest& request) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  const std::string& text = request.path_params.at("id");
  auto id = parse_positive_id(text);
  if (!id)
    return invalid_input_reply("path", "id", "path parameter id: \"" + text + "\" is not a revision id");
  return pooled_read(pool, "reading revision " + text, [&](pqxx::read_transaction& txn) {
    auto rows = txn.exec(std::string(kRevisionColumns) + " WHERE id = " + std::to_string(*id));
    if (rows.empty()) return error_reply(404, "not_found", "no revision with id " + text);
    nlohmann::json body = revision_json(rows[0]);
    // What the revision changed, stored at apply time (the list omits it: it may be long).
    auto changes = txn.exec1("SELECT changes::text, changes_total FROM revisions WHERE id = " + std::to_string(*id));
    body["changes"] = nlohmann::json::parse(changes[0].c_str());
    body["changes_total"] = changes[1].as<int64_t>();
    return json_reply(200, body);
  });
}

HttpReply get_status(ConnectionPool& pool, const RevisionWatcher& watcher, const ApiRequest& request) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  return pooled_read(pool, "reading the reconciler status", [&](pqxx::read_transaction& txn) {
    auto status = c4::status_json(txn);  // the status row with the branch and the on-call controls
    if (!status)
      return database_failure_reply(Status::unavailable(status.status().message()), "reading the reconciler status");
    nlohmann::json body = std::move(status.value());
    body["snapshot"] = watcher.status_json();
    return json_reply(200, body);
  });
}

}  // namespace

void mount_revision_views(Server& server, std::shared_ptr<ConnectionPool> pool,
                          std::shared_ptr<const RevisionWatcher> watcher) {
  server.mount("GET", "/1.0/revisions", Access::fleet, [pool](const ApiRequest& r) { return list_revisions(*pool, r); });
  server.mount("GET", "/1.0/revisions/{id}", Access::fleet, [pool](const ApiRequest& r) { return get_revision(*pool, r); });
  server.mount("GET", "/1.0/status", Access::fleet,
               [pool, watcher](const ApiRequest& r) { return get_status(*pool, *watcher, r); });
}

}  // namespace c4::api
