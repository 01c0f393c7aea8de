// The commit status a reconcile attempt posts on the Git host, so a merged pull request shows
// whether its commit is live:
//
//   pending     "applying"                          GitHub pending, GitLab running
//   applied     "applied as revision N"             GitHub success, GitLab success
//   failed      "failed: K errors"                  GitHub failure, GitLab failed
//   superseded  "superseded by abc1234"             GitHub error (it has no canceled state),
//                                                   GitLab canceled
//
// GitHub: POST {api}/repos/{owner}/{repo}/statuses/{sha} with a bearer token
// (docs.github.com/rest/commits/statuses). GitLab: POST {api}/projects/{id}/statuses/{sha}
// with PRIVATE-TOKEN (docs.gitlab.com/ee/api/commits.html#set-the-pipeline-status-of-a-commit).
// The link (target_url) is the revision's API page, {public_url}/1.0/revisions/{id}.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "reconciler/attempt_report.h"
#include "reconciler/delivery_queue.h"

namespace c4 {

enum class GitHost { github, gitlab };

struct GitStatusConfig {
  GitHost host = GitHost::github;
  std::string api_url;     // "https://api.github.com", "https://gitlab.example.org/api/v4"
  std::string repository;  // GitHub "owner/name"; GitLab a project id or "group/project"
  std::string token;       // never logged
  std::string context = "c4confd";  // GitHub context, GitLab name
  std::string public_url;  // base of the revision links; empty: no link
};

// Parses "github" or "gitlab"; invalid otherwise.
Result<GitHost> parse_git_host(const std::string& name);
// The default API base of a host (github.com, gitlab.com).
std::string default_api_url(GitHost host);

// The status line of an attempt: "applied as revision 12", "failed: 3 errors", ...
std::string status_description(const AttemptReport& report);

// The request that posts `report` as a commit status; nullopt when its commit is not a Git
// commit (a directory's "dir:…" revisions).
std::optional<Delivery> git_status_delivery(const GitStatusConfig& config, const AttemptReport& report);

// {public_url}/1.0/revisions/{id}, or "" without a base or a revision.
std::string revision_link(const std::string& public_url, const std::optional<int64_t>& revision_id);

}  // namespace c4
