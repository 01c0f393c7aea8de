// The libgit2 callbacks of one GitSource::fetch(): credentials, each handed out once, and the
// SSH host-key check against the configured known_hosts file; and how a failed fetch becomes
// a Status. The callbacks never throw (libgit2 is C): a failure is a libgit2 error code with
// its message set.
#pragma once

#include <git2.h>

#include <string>

#include "common/status.h"
#include "reconciler/git_source.h"

namespace c4 {

// What the callbacks of one fetch need. Lives on fetch()'s stack.
struct FetchContext {
  const GitSourceConfig* config = nullptr;
  std::string known_hosts_text;  // loaded only when config->ssh_known_hosts is set
  int ssh_port = 22;
  unsigned int tried = 0;  // credential types already handed out once
};

// git_credential_acquire_cb; `payload` is a FetchContext.
int acquire_credentials(git_credential** out, const char* url, const char* username_from_url, unsigned int allowed,
                        void* payload) noexcept;

// git_transport_certificate_check_cb; `payload` is a FetchContext. With ssh_known_hosts
// configured, the host key must be in that file (libgit2's own check against
// ~/.ssh/known_hosts is then ignored). Without it, and for TLS certificates, libgit2's
// decision stands.
int check_certificate(git_cert* cert, int valid, const char* host, void* payload) noexcept;

// The Status of a fetch that failed with `rc`: Status::unavailable when a retry may succeed
// (the network, the server or our credentials may change), Status::invalid otherwise (a URL
// that is not a repository, a malformed refspec). The URL is shown redacted.
Status fetch_error(int rc, const std::string& url);

}  // namespace c4
