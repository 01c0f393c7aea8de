#include "cli/source_options.h"

#include "cli/limit_options.h"

namespace c4::cli {

std::vector<OptionSpec> git_source_options() {
  std::vector<OptionSpec> options = {
      {"repo", "URL", "Git repository of the manifests (file://, https:// or ssh://); without it, the PATH argument "
                      "is read as a directory.", ""},
      {"branch", "NAME", "branch to follow.", "main"},
      {"path", "DIR", "sub-directory of the repository that holds the manifests.", ""},
      {"cache-dir", "DIR", "where the local bare clone is kept.", "/var/cache/c4confd/git"},
      {"https-token", "TOKEN", "token for HTTPS repositories (sent as basic auth).", ""},
      {"ssh-key", "FILE", "private key for ssh:// repositories.", ""},
      {"ssh-known-hosts", "FILE", "known_hosts file the SSH host key must match.", ""},
  };
  for (auto& o : limit_options()) options.push_back(std::move(o));
  return options;
}

OptionSpec database_option() {
  return {"database-url", "URL", "PostgreSQL URL (postgresql://user@host:port/db).", ""};
}

Result<std::unique_ptr<RevisionSource>> open_revision_source(const ParsedOptions& options) {
  const auto& args = options.positional();
  auto limits = read_limits(options);
  if (!limits) return limits.status();
  std::string repo = options.get("repo");
  if (!repo.empty()) {
    if (!args.empty()) return Status::invalid("give either --repo URL or a PATH, not both");
    GitSourceConfig config;
    config.url = repo;
    config.branch = options.get("branch");
    config.sub_path = options.get("path");
    config.cache_dir = options.get("cache-dir");
    config.https_token = options.get("https-token");
    config.ssh_key = options.get("ssh-key");
    config.ssh_known_hosts = options.get("ssh-known-hosts");
    return RevisionSource::open_git(std::move(config), *limits);
  }
  if (args.size() != 1) return Status::invalid("expected a PATH (a directory of manifests) or --repo URL");
  return RevisionSource::open_directory(args[0], *limits);
}

}  // namespace c4::cli
