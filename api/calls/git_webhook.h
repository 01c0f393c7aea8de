// POST /hooks/git on the API's listener: the reconciler's decision on a Git host's hook
// (reconciler/webhook.h) put in the API's reply shape (api/http_reply.h). The reconciler
// decides; this file only speaks HTTP, so the reconciler never includes the API.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "api/http_reply.h"
#include "reconciler/webhook.h"

namespace c4::api {

// The answer to one POST /hooks/git, without a socket: `header` looks a request header up by
// name ("" when absent). Calls `trigger` exactly when the answer is 202:
//   202 {"accepted":true,"message":...}        authenticated
//   413 error "body_too_large"                 body over config.max_body_bytes
//   401 error "unauthorized"                   signature/token missing or wrong
//   403 error "forbidden"                      no secret configured
// Thread-safe when `trigger` is.
HttpReply handle_git_webhook(const WebhookConfig& config, const std::function<std::string(std::string_view)>& header,
                             std::string_view body, const std::function<void()>& trigger);

}  // namespace c4::api
