#include "reconciler/git_fetch_callbacks.h"

#include <algorithm>
#include <filesystem>

#include "common/base64.h"
#include "common/sha.h"
#include "common/url.h"
#include "reconciler/git_plumbing.h"
#include "reconciler/known_hosts.h"

namespace c4 {
namespace fs = std::filesystem;
namespace {

// The raw key blob of a libssh2 host key; "" when the build gives only digests.
std::string_view presented_blob(const git_cert_hostkey* cert) {
  if (!(cert->type & GIT_CERT_SSH_RAW)) return {};
  return {cert->hostkey, cert->hostkey_len};
}

// The SHA256:… fingerprint ssh-keygen -l shows, for messages.
std::string fingerprint(const git_cert_hostkey* cert) {
  if (cert->type & GIT_CERT_SSH_RAW) {
    auto digest = sha256_raw(presented_blob(cert));
    return "SHA256:" + base64_encode_unpadded(digest.data(), digest.size());
  }
  if (cert->type & GIT_CERT_SSH_SHA256) return "SHA256:" + base64_encode_unpadded(cert->hash_sha256, 32);
  return "(no fingerprint)";
}

}  // namespace

// Hands out each configured credential once: being asked again for the same type means the
// server rejected it, and answering again would loop (libgit2 keeps asking).
int acquire_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed, void* payload) noexcept {
  try {
    auto* ctx = static_cast<FetchContext*>(payload);
    const GitSourceConfig& cfg = *ctx->config;
    const char* ssh_user = username_from_url != nullptr && username_from_url[0] != '\0' ? username_from_url : "git";
    auto offer = [&](unsigned int type, const std::string& refusal) {
      if (ctx->tried & type) {
        git_error_set_str(GIT_ERROR_NET, refusal.c_str());
        return false;
      }
      ctx->tried |= type;
      return true;
    };
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !cfg.ssh_key.empty()) {
      if (!offer(GIT_CREDENTIAL_SSH_KEY, "SSH key " + cfg.ssh_key.string() + " not accepted for user " + ssh_user +
                                             " (not authorized on the server, or wrong passphrase)"))
        return GIT_EAUTH;
      std::string key = cfg.ssh_key.string();
      std::string pub = key + ".pub";
      std::error_code ec;
      bool has_pub = fs::exists(pub, ec);
      return git_credential_ssh_key_new(out, ssh_user, has_pub ? pub.c_str() : nullptr, key.c_str(),
                                        cfg.ssh_key_passphrase.empty() ? nullptr : cfg.ssh_key_passphrase.c_str());
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME)) {
      if (!offer(GIT_CREDENTIAL_USERNAME, std::string("SSH user ") + ssh_user + " rejected")) return GIT_EAUTH;
      return git_credential_username_new(out, ssh_user);
    }
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !cfg.https_token.empty()) {
      if (!offer(GIT_CREDENTIAL_USERPASS_PLAINTEXT, "HTTPS token for user " + cfg.https_username + " rejected"))
        return GIT_EAUTH;
      return git_credential_userpass_plaintext_new(out, cfg.https_username.c_str(), cfg.https_token.c_str());
    }
    git_error_set_str(GIT_ERROR_NET, "the server asks for credentials and none fitting are configured");
    return GIT_EAUTH;
  } catch (...) {
    git_error_set_str(GIT_ERROR_CALLBACK, "credentials callback failed");
    return GIT_EUSER;
  }
}

int check_certificate(git_cert* cert, int /*valid*/, const char* host, void* payload) noexcept {
  try {
    auto* ctx = static_cast<FetchContext*>(payload);
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2 || ctx->config->ssh_known_hosts.empty()) return GIT_PASSTHROUGH;
    const auto* key = reinterpret_cast<const git_cert_hostkey*>(cert);
    std::string_view h = host != nullptr ? host : "";
    bool ok = false;
    if (key->type & GIT_CERT_SSH_RAW) {
      ok = known_hosts_accepts(ctx->known_hosts_text, h, ctx->ssh_port, std::string_view(key->hostkey, key->hostkey_len));
    } else if (key->type & GIT_CERT_SSH_SHA256) {
      std::array<uint8_t, 32> digest{};
      std::copy(std::begin(key->hash_sha256), std::end(key->hash_sha256), digest.begin());
      ok = known_hosts_accepts_sha256(ctx->known_hosts_text, h, ctx->ssh_port, digest);
    }
    if (ok) return 0;
    std::string msg = "host key " + fingerprint(key) + " of " + known_hosts_name(h, ctx->ssh_port) +
                      " is not accepted by " + ctx->config->ssh_known_hosts.string() + " (" +
                      known_hosts_refusal_hint(ctx->known_hosts_text, h, ctx->ssh_port, presented_blob(key)) + ")";
    git_error_set_str(GIT_ERROR_SSH, msg.c_str());
    return GIT_ECERTIFICATE;
  } catch (...) {
    git_error_set_str(GIT_ERROR_CALLBACK, "certificate callback failed");
    return GIT_EUSER;
  }
}

Status fetch_error(int rc, const std::string& url) {
  std::string msg = "fetching " + redact_url(url) + ": " + git_message(rc);
  int klass = git_error_class();
  bool retryable = rc == GIT_EAUTH || rc == GIT_ECERTIFICATE || klass == GIT_ERROR_NET || klass == GIT_ERROR_SSH ||
                   klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSL || klass == GIT_ERROR_OS;
  return retryable ? Status::unavailable(msg) : Status::invalid(msg);
}

}  // namespace c4
