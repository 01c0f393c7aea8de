#include "api/calls/git_webhook.h"

#include "api/error_vocabulary.h"

namespace c4::api {

HttpReply handle_git_webhook(const WebhookConfig& config, const std::function<std::string(std::string_view)>& header,
                             std::string_view body, const std::function<void()>& trigger) {
  WebhookDecision decision = decide_git_webhook(config, header, body);
  switch (decision.verdict) {
    case WebhookVerdict::disabled:
      return error_reply(403, error_codes::forbidden, decision.reason);
    case WebhookVerdict::body_too_large:
      return error_reply(413, error_codes::body_too_large, decision.reason, {{"limit", config.max_body_bytes}});
    case WebhookVerdict::unauthorized:
      return error_reply(401, error_codes::unauthorized, "webhook refused: " + decision.reason);
    case WebhookVerdict::accepted:
      break;
  }
  trigger();
  return json_reply(202, {{"accepted", true}, {"message", "a fetch of the Git source is scheduled"}});
}

}  // namespace c4::api
