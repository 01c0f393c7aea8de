#include "reconciler/git_status.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace c4 {
namespace {

constexpr size_t kDescriptionMax = 140;  // GitHub refuses longer descriptions (422)

std::string short_id(const std::string& commit) { return commit.substr(0, 7); }

// "group/project" → "group%2Fproject" (GitLab takes a URL-encoded path as project id).
std::string encode_path_segment(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string state_name(GitHost host, AttemptOutcome outcome) {
  bool github = host == GitHost::github;
  switch (outcome) {
    case AttemptOutcome::pending: return github ? "pending" : "running";
    case AttemptOutcome::applied: return "success";
    case AttemptOutcome::failed: return github ? "failure" : "failed";
    case AttemptOutcome::superseded: return github ? "error" : "canceled";
  }
  return "error";
}

bool is_git_commit(const std::string& id) {
  return id.size() == 40 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Result<GitHost> parse_git_host(const std::string& name) {
  if (name == "github") return GitHost::github;
  if (name == "gitlab") return GitHost::gitlab;
  return Status::invalid("\"" + name + "\" is not a Git host: expected github or gitlab");
}

std::string default_api_url(GitHost host) {
  return host == GitHost::github ? "https://api.github.com" : "https://gitlab.com/api/v4";
}

std::string status_description(const AttemptReport& r) {
  std::string text;
  switch (r.outcome) {
    case AttemptOutcome::pending: text = "applying"; break;
    case AttemptOutcome::applied:
      text = r.revision_id ? "applied as revision " + std::to_string(*r.revision_id) : "applied";
      if (r.pinned) text += " (pinned)";
      break;
    case AttemptOutcome::failed:
      text = "failed: " + std::to_string(r.error_count) + (r.error_count == 1 ? " error" : " errors");
      break;
    case AttemptOutcome::superseded: text = "superseded by " + short_id(r.superseded_by); break;
  }
  return text.substr(0, kDescriptionMax);
}

std::string revision_link(const std::string& public_url, const std::optional<int64_t>& revision_id) {
  if (public_url.empty() || !revision_id) return "";
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/1.0/revisions/" + std::to_string(*revision_id);
}

std::optional<Delivery> git_status_delivery(const GitStatusConfig& config, const AttemptReport& report) {
  if (!is_git_commit(report.commit_id)) return std::nullopt;
  std::string api = config.api_url.empty() ? default_api_url(config.host) : config.api_url;
  while (!api.empty() && api.back() == '/') api.pop_back();
  Delivery d;
  d.what = "git-status " + state_name(config.host, report.outcome) + " " + short_id(report.commit_id);
  nlohmann::json body = {{"state", state_name(config.host, report.outcome)},
                         {"description", status_description(report)}};
  std::string link = revision_link(config.public_url, report.revision_id);
  if (!link.empty()) body["target_url"] = link;
  if (config.host == GitHost::github) {
    d.url = api + "/repos/" + config.repository + "/statuses/" + report.commit_id;
    body["context"] = config.context;
    d.headers = {{"Authorization", "Bearer " + config.token}, {"Accept", "application/vnd.github+json"}};
  } else {
    d.url = api + "/projects/" + encode_path_segment(config.repository) + "/statuses/" + report.commit_id;
    body["name"] = config.context;
    d.headers = {{"PRIVATE-TOKEN", config.token}};
  }
  d.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return d;
}

}  // namespace c4
