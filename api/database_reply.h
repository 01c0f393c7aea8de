// The one answer to a request whose database work failed. Error bodies are read by API tokens
// and Kamailio alike, so they never carry what libpq or the server said (database hosts,
// ports, user names, SQL, server messages): the body names the work that failed, the log line
// (event api.database_unavailable, or api.database_error for a 500) carries the detail.
#pragma once

#include <string_view>

#include "api/http_reply.h"
#include "common/status.h"

namespace c4::api {

// 503 unavailable {"retryable": true, "service": "database"} when `status` is retryable
// (connection lost, server down), else 500 "internal"; the message is "the database cannot answer <what> right now" or
// "internal error while <what>", with "(details in the service log)". Logs `status`.
HttpReply database_failure_reply(const Status& status, std::string_view what);

}  // namespace c4::api
