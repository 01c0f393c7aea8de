// The Git URLs and sub-paths a GitSource accepts, read without touching the network.
// Pure functions; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace c4 {

// Accepts file://, an absolute path, http(s)://, git://, ssh:// (ssh+git://, git+ssh://) and
// the scp form user@host:path; anything else, notably relative paths that would depend on the
// working directory, or a URL with spaces or control characters, is Status::invalid (the
// message shows the URL redacted).
Status check_url(const std::string& url);

// The directory a file:// URL or an absolute path names; empty for remote URLs.
std::filesystem::path local_path(const std::string& url);

// "a//b/./c/" → "a/b/c"; ".." is Status::invalid, so a sub-path cannot leave the repository.
Result<std::string> normalize_sub_path(const std::string& sub_path);

// The host and port an SSH URL connects to: ssh://[user@]host[:port]/path (also ssh+git://,
// git+ssh://, IPv6 as [addr]) or the scp form [user@]host:path (port 22). Empty host when
// `url` is not an SSH URL.
struct SshEndpoint {
  std::string host;
  int port = 22;
};
SshEndpoint ssh_endpoint(std::string_view url);

}  // namespace c4
