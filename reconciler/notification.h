// Generic JSON notifications of the reconciler (--notify-url), on failure, on drift and on
// recovery. The body is Slack-compatible (an incoming webhook shows `text`) and carries the
// same facts as structured fields for any other receiver:
//
//   {"text": "c4confd: commit abc1234 failed: 2 errors (validate): carriers.yaml:3: …",
//    "event": "failure", "commit": "abc1234…", "revision": 12, "errors": 2,
//    "failed_step": "validate", "first_error": "…", "objects": [], "url": "https://…/1.0/revisions/12"}
//
// Manifest text (first_error, object names) is untrusted: it is JSON-escaped like everything
// else, and bytes that are not UTF-8 are replaced, so the body is always valid JSON.
#pragma once

#include <optional>
#include <string>

#include "reconciler/attempt_report.h"

namespace c4 {

enum class NotificationEvent { failure, drift, recovery };
std::string_view event_name(NotificationEvent event);

// `public_url`: base of the revision link ("" for none).
std::string notification_body(NotificationEvent event, const AttemptReport& report, const std::string& public_url);

}  // namespace c4
