#include "reconciler/webhook.h"

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/sha.h"
#include "common/text.h"

namespace c4 {
namespace {

constexpr std::string_view kSignaturePrefix = "sha256=";

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header_value) {
  if (secret.empty() || header_value.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) return false;
  // Lower-casing touches every character whatever its value: no early exit on a mismatch.
  std::string given = ascii_lower(header_value.substr(kSignaturePrefix.size()));
  return equal_constant_time(hmac_sha256_hex(secret, body), given);
}

bool verify_gitlab_token(std::string_view secret, std::string_view header_value) {
  if (secret.empty()) return false;
  // Comparing digests hides the secret's length as well as its content.
  return equal_constant_time(sha256_hex(secret), sha256_hex(header_value));
}

WebhookDecision decide_git_webhook(const WebhookConfig& config, const std::function<std::string(std::string_view)>& header,
                                   std::string_view body) {
  if (config.secret.empty())
    return {WebhookVerdict::disabled,
            "webhooks are disabled: no secret is configured (set --webhook-secret-file or C4CONFD_WEBHOOK_SECRET)"};
  if (body.size() > config.max_body_bytes)
    return {WebhookVerdict::body_too_large, "the webhook body has " + std::to_string(body.size()) +
                                                " bytes, more than the limit of " + std::to_string(config.max_body_bytes)};
  std::string signature = header("X-Hub-Signature-256");
  std::string token = header("X-Gitlab-Token");
  bool ok = !signature.empty() ? verify_github_signature(config.secret, body, signature)
                               : !token.empty() && verify_gitlab_token(config.secret, token);
  if (!ok) {
    std::string which = !signature.empty() ? "the X-Hub-Signature-256 signature does not match the body"
                        : !token.empty()   ? "the X-Gitlab-Token does not match"
                                           : "neither X-Hub-Signature-256 nor X-Gitlab-Token is present";
    log_event(LogLevel::warn, "webhook.refused", {{"reason", which}});
    return {WebhookVerdict::unauthorized, which};
  }
  log_event(LogLevel::info, "webhook.accepted", {{"via", signature.empty() ? "gitlab" : "github"}});
  return {WebhookVerdict::accepted, ""};
}

}  // namespace c4
