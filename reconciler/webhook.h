// POST /hooks/git: the Git host tells the reconciler that a branch moved, so it fetches at once
// instead of at the next poll. Two ways to prove the sender knows the shared secret:
//   GitHub (and Gitea, Forgejo): X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
//   GitLab: X-Gitlab-Token: <secret>
// The body itself is not read: any authenticated hook triggers one fetch of the configured
// branch (a push to another branch costs one fetch that finds nothing new).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "api/http_reply.h"

namespace c4 {

struct WebhookConfig {
  // The shared secret. Empty: every hook is refused (403), since an unauthenticated hook would
  // let anyone make the reconciler fetch in a loop.
  std::string secret;
  // Bodies longer than this are refused with 413 before their signature is checked.
  size_t max_body_bytes = 1 << 20;
};

// True when `header_value` is "sha256=" followed by the hex HMAC-SHA256 of `body` keyed with
// `secret` (hex digits in either case). The digests are compared in constant time. False for an
// empty secret. Thread-safe.
bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header_value);

// True when `header_value` equals `secret`, compared in time that depends on neither (their
// SHA-256 digests are compared). False for an empty secret. Thread-safe.
bool verify_gitlab_token(std::string_view secret, std::string_view header_value);

// The answer to one POST /hooks/git, without a socket: `header` looks a request header up by
// name ("" when absent). Calls `trigger` exactly when the answer is 202:
//   202 {"accepted":true,"message":...}        authenticated
//   413 error "body_too_large"                 body over config.max_body_bytes
//   401 error "unauthorized"                   signature/token missing or wrong
//   403 error "forbidden"                      no secret configured (the message says so)
// Thread-safe when `trigger` is.
api::HttpReply handle_git_webhook(const WebhookConfig& config, const std::function<std::string(std::string_view)>& header,
                                  std::string_view body, const std::function<void()>& trigger);

}  // namespace c4
