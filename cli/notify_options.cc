#include "cli/notify_options.h"

#include <cctype>

namespace c4::cli {
namespace {

bool http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

// GitHub owner/name: letters, digits, '-', '_', '.'; GitLab also takes groups (a/b/c) or an id.
bool valid_repository(const std::string& repo, GitHost host) {
  if (repo.empty() || repo.front() == '/' || repo.back() == '/' || repo.find("..") != std::string::npos) return false;
  size_t slashes = 0;
  for (char c : repo) {
    if (c == '/') ++slashes;
    else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return host == GitHost::github ? slashes == 1 : true;
}

Result<std::optional<GitStatusConfig>> read_git_status(const ParsedOptions& options, const std::string& public_url) {
  std::string provider = options.get("git-status-provider");
  if (provider.empty()) return std::optional<GitStatusConfig>();
  auto host = parse_git_host(provider);
  if (!host) return Status::invalid("--git-status-provider: " + host.status().message());
  GitStatusConfig config;
  config.host = *host;
  config.api_url = options.get("git-status-api-url");
  if (config.api_url.empty()) config.api_url = default_api_url(*host);
  if (!http_url(config.api_url))
    return Status::invalid("--git-status-api-url \"" + config.api_url + "\": expected an http:// or https:// URL");
  config.repository = options.get("git-status-repo");
  if (!valid_repository(config.repository, *host))
    return Status::invalid("--git-status-repo \"" + config.repository + "\": expected " +
                           (*host == GitHost::github ? "OWNER/NAME" : "a project id or GROUP/PROJECT"));
  auto token = read_secret_option(options, "git-status-token-file", "C4CONFD_GIT_STATUS_TOKEN");
  if (!token) return token.status();
  if (token->empty())
    return Status::invalid("--git-status-provider needs a token: --git-status-token-file or C4CONFD_GIT_STATUS_TOKEN");
  if (token->find_first_of("\r\n") != std::string::npos)
    return Status::invalid("--git-status-token-file: the token holds a line break");
  config.token = *token;
  config.context = options.get("git-status-context");
  config.public_url = public_url;
  return std::optional<GitStatusConfig>(std::move(config));
}

}  // namespace

std::vector<OptionSpec> notify_options() {
  return {
      {"git-status-provider", "HOST", "post a commit status after each reconcile attempt: github or gitlab; empty: "
                                      "none.", ""},
      {"git-status-api-url", "URL", "the Git host's API base (default https://api.github.com or "
                                    "https://gitlab.com/api/v4).", ""},
      {"git-status-repo", "REPO", "the repository statuses go to: GitHub OWNER/NAME, GitLab project id or "
                                  "GROUP/PROJECT.", ""},
      {"git-status-token-file", "PATH", "file holding the Git host token (GitHub: repo:status scope; GitLab: api "
                                        "scope); else the variable C4CONFD_GIT_STATUS_TOKEN holds it. Never logged.", ""},
      {"git-status-context", "NAME", "the status's context (GitHub) or name (GitLab).", "c4confd"},
      {"public-url", "URL", "base URL of this service's API as readers reach it; statuses and notifications link to "
                            "{URL}/1.0/revisions/{id}. Empty: no link.", ""},
      {"notify-url", "URL", "POST a JSON notification (Slack-compatible: a text field plus structured fields) here on "
                            "failure, drift and recovery; repeatable.", "", false, "", true},
  };
}

Result<ReporterConfig> read_notify_options(const ParsedOptions& options) {
  ReporterConfig config;
  config.public_url = options.get("public-url");
  if (!config.public_url.empty() && !http_url(config.public_url))
    return Status::invalid("--public-url \"" + config.public_url + "\": expected an http:// or https:// URL");
  auto git = read_git_status(options, config.public_url);
  if (!git) return git.status();
  config.git_status = std::move(git.value());
  for (const auto& url : options.all("notify-url")) {
    if (!http_url(url)) return Status::invalid("--notify-url: expected an http:// or https:// URL, not \"" + url + "\"");
    config.notify_urls.push_back(url);
  }
  return config;
}

}  // namespace c4::cli
