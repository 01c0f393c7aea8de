#include "api/server/control_views.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "api/database_reply.h"
#include "api/error_vocabulary.h"
#include "api/server/pooled_read.h"
#include "api/server/query_params.h"
#include "common/log.h"
#include "store/control_state.h"

namespace c4::api {
namespace {

constexpr size_t kMaxReason = 500;  // a sentence for the status, not a document

bool all_of(const std::string& s, const char* chars) { return !s.empty() && s.find_first_not_of(chars) == std::string::npos; }

// The JSON object body of a control request ({} when empty), or the 400 reply.
std::variant<nlohmann::json, HttpReply> object_body(const ApiRequest& request, std::initializer_list<const char*> fields) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return invalid_input_reply("body", "body", "the body must be a JSON object");
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    if (std::find_if(fields.begin(), fields.end(), [&](const char* f) { return key == f; }) == fields.end())
      return invalid_input_reply("body", key, "unknown field \"" + key + "\"");
  }
  if (body.contains("reason")) {
    const auto& reason = body["reason"];
    if (!reason.is_string() || reason.get<std::string>().size() > kMaxReason ||
        reason.get<std::string>().find('\0') != std::string::npos)
      return invalid_input_reply("body", "reason", "reason: expected a string of at most 500 bytes, without NUL");
  }
  return body;
}

std::string reason_of(const nlohmann::json& body) { return body.value("reason", std::string()); }

using Sync = std::function<void()>;

// The 403 for a caller that is not the admin (see the header), else nothing.
std::optional<HttpReply> not_admin(const ApiRequest& request) {
  if (request.scope.all) return std::nullopt;
  return error_reply(403, error_codes::forbidden, "this path changes what the reconciler does: it needs the admin token");
}

// Runs `change` in a transaction of its own, then answers the new status.
HttpReply change_state(ConnectionPool& pool, const Sync& sync, const std::string& what,
                       const std::function<Status(pqxx::work&)>& change) {
  auto conn = pool.connect();
  if (!conn) return database_failure_reply(conn.status(), what);
  nlohmann::json body;
  try {
    pqxx::work txn(**conn);
    if (Status s = change(txn); !s) return database_failure_reply(s, what);
    auto status = status_json(txn);
    if (!status) return database_failure_reply(status.status(), what);
    txn.commit();
    body = std::move(status.value());
  } catch (const std::exception& e) {
    return database_failure_reply(Status::unavailable(e.what()), what);
  }
  if (sync) sync();  // the loop in this process acts now; others at their next pass
  return json_reply(200, body);
}

// Finds the commit a pin names, in the revision log (see PinTarget).
std::variant<std::string, HttpReply> resolve_pin(ConnectionPool& pool, const nlohmann::json& target) {
  std::string text = target.is_number_unsigned() ? std::to_string(target.get<uint64_t>())
                     : target.is_string()        ? target.get<std::string>()
                                                 : "";
  auto bad = [&](const std::string& why) {
    return invalid_input_reply("body", "revision", "revision: " + why);
  };
  if (text.empty() || text.size() > 64) return bad("expected a revision id or a commit id");
  bool is_id = all_of(text, "0123456789") && text.size() < 19;
  if (!is_id && !all_of(text, "0123456789abcdef")) return bad("\"" + text + "\" is neither a revision id nor a commit id");
  if (!is_id && text.size() < 7) return bad("a commit id needs at least 7 hex digits");
  if (!is_id && text.size() == 40) return text;  // the loop checks it is on the branch
  std::string found;
  HttpReply reply = pooled_read(pool, "resolving the revision to pin", [&](pqxx::read_transaction& txn) {
    pqxx::result rows = is_id ? txn.exec_params("SELECT commit_id, result FROM revisions WHERE id = $1", std::stoll(text))
                              : txn.exec_params("SELECT DISTINCT commit_id, 'applied' FROM revisions WHERE commit_id LIKE $1"
                                                " AND result <> 'failed'", text + "%");
    if (rows.empty()) return error_reply(404, error_codes::not_found, "no applied revision matches \"" + text + "\"");
    if (rows.size() > 1) return conflict_reply("ambiguous", "\"" + text + "\" matches several commits: give more digits");
    if (std::string(rows[0][1].c_str()) == "failed")
      return conflict_reply("revision_failed", "revision " + text + " failed: pin one that was applied");
    if (std::string(rows[0][0].c_str()).rfind("dir:", 0) == 0)
      return conflict_reply("not_a_commit", "revision " + text + " came from a directory, not a Git commit");
    found = rows[0][0].c_str();
    return HttpReply{200, "", ""};
  });
  if (found.empty()) return reply;
  return found;
}

HttpReply pin(ConnectionPool& pool, const Sync& sync, const ApiRequest& request) {
  auto body = object_body(request, {"revision", "reason"});
  if (auto* reply = std::get_if<HttpReply>(&body)) return *reply;
  const auto& json = std::get<nlohmann::json>(body);
  if (!json.contains("revision"))
    return invalid_input_reply("body", "revision", "revision: required (a revision id or a commit id)");
  auto commit = resolve_pin(pool, json["revision"]);
  if (auto* reply = std::get_if<HttpReply>(&commit)) return *reply;
  const std::string& id = std::get<std::string>(commit);
  log_event(LogLevel::warn, "control.pin", {{"commit", id}, {"reason", reason_of(json)}, {"peer", request.remote_addr}});
  return change_state(pool, sync, "pinning commit " + id,
                      [&](pqxx::work& txn) { return pin_reconciler(txn, id, reason_of(json)); });
}

}  // namespace

void mount_control_views(Server& server, ConnectionPool& pool, std::function<void()> sync) {
  ConnectionPool* p = &pool;
  server.mount("POST", "/1.0/reconciler/sync", Access::fleet, [sync](const ApiRequest& request) {
    if (auto denied = not_admin(request)) return *denied;
    if (auto bad = unknown_parameter(request, {})) return *bad;
    if (!sync)
      return conflict_reply("no_reconciler", "this process runs no reconcile loop (c4confd serve): send the sync to "
                                               "`c4confd all`, or a signed POST /hooks/git to `c4confd reconcile`");
    log_event(LogLevel::info, "control.sync", {{"peer", request.remote_addr}});
    sync();
    return json_reply(202, {{"triggered", true}});
  });
  server.mount("POST", "/1.0/reconciler/suspend", Access::fleet, [p, sync](const ApiRequest& request) {
    if (auto denied = not_admin(request)) return *denied;
    auto body = object_body(request, {"reason"});
    if (auto* reply = std::get_if<HttpReply>(&body)) return *reply;
    std::string reason = reason_of(std::get<nlohmann::json>(body));
    log_event(LogLevel::warn, "control.suspend", {{"reason", reason}, {"peer", request.remote_addr}});
    return change_state(*p, sync, "suspending the reconciler",
                        [&](pqxx::work& txn) { return suspend_reconciler(txn, reason); });
  });
  server.mount("POST", "/1.0/reconciler/resume", Access::fleet, [p, sync](const ApiRequest& request) {
    if (auto denied = not_admin(request)) return *denied;
    auto body = object_body(request, {});
    if (auto* reply = std::get_if<HttpReply>(&body)) return *reply;
    log_event(LogLevel::warn, "control.resume", {{"peer", request.remote_addr}});
    return change_state(*p, sync, "resuming the reconciler", [](pqxx::work& txn) { return resume_reconciler(txn); });
  });
  server.mount("POST", "/1.0/reconciler/pin", Access::fleet, [p, sync](const ApiRequest& request) {
    if (auto denied = not_admin(request)) return *denied;
    return pin(*p, sync, request);
  });
}

}  // namespace c4::api
