#include "api/database_reply.h"

#include <string>

#include "common/log.h"
#include "api/error_vocabulary.h"

namespace c4::api {

HttpReply database_failure_reply(const Status& status, std::string_view what) {
  if (status.retryable())
    log_event(LogLevel::warn, "api.database_unavailable", {{"while", what}, {"error", status.message()}});
  else
    log_event(LogLevel::error, "api.database_error", {{"while", what}, {"error", status.message()}});
  if (!status.retryable())
    return error_reply(500, "internal", "internal error while " + std::string(what) + " (details in the service log)");
  return unavailable_reply("database",
                           "the database cannot answer " + std::string(what) + " right now (details in the service log)");
}

}  // namespace c4::api
