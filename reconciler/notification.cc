#include "reconciler/notification.h"

#include <nlohmann/json.hpp>

#include "reconciler/git_status.h"

namespace c4 {
namespace {

constexpr size_t kMaxErrorText = 500;    // of first_error in `text`: a chat line, not a report
constexpr size_t kMaxObjectsListed = 20;  // drifted objects named in `text`

std::string headline(NotificationEvent event, const AttemptReport& r) {
  std::string commit = r.commit_id.substr(0, 7);
  switch (event) {
    case NotificationEvent::failure:
      return "c4confd: commit " + commit + " " + status_description(r) +
             (r.failed_step.empty() ? "" : " (" + r.failed_step + ")") +
             (r.first_error.empty() ? "" : ": " + r.first_error.substr(0, kMaxErrorText));
    case NotificationEvent::drift: {
      std::string text = "c4confd: " + std::to_string(r.drifted.size()) + " object(s) edited by hand were corrected:";
      for (size_t i = 0; i < r.drifted.size() && i < kMaxObjectsListed; ++i) text += (i ? ", " : " ") + r.drifted[i];
      if (r.drifted.size() > kMaxObjectsListed) text += ", …";
      return text;
    }
    case NotificationEvent::recovery: return "c4confd: recovered, commit " + commit + " " + status_description(r);
  }
  return "c4confd";
}

}  // namespace

std::string_view event_name(NotificationEvent event) {
  switch (event) {
    case NotificationEvent::failure: return "failure";
    case NotificationEvent::drift: return "drift";
    case NotificationEvent::recovery: return "recovery";
  }
  return "failure";
}

std::string notification_body(NotificationEvent event, const AttemptReport& r, const std::string& public_url) {
  nlohmann::json body = {{"text", headline(event, r)},
                         {"event", event_name(event)},
                         {"commit", r.commit_id},
                         {"revision", r.revision_id ? nlohmann::json(*r.revision_id) : nlohmann::json()},
                         {"errors", r.error_count},
                         {"failed_step", r.failed_step},
                         {"first_error", r.first_error},
                         {"objects", r.drifted},
                         {"pinned", r.pinned}};
  std::string link = revision_link(public_url, r.revision_id);
  body["url"] = link.empty() ? nlohmann::json() : nlohmann::json(link);
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace c4
