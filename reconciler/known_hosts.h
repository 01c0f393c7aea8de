// OpenSSH known_hosts files: whether one accepts the host key a server presents, and why not.
// Pure text functions (no libgit2, no I/O); thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace c4 {

// True when `known_hosts_text` (OpenSSH known_hosts format) has an entry for `host` on `port`
// whose key is `key_blob`: the raw public key in SSH wire format (what base64-decoding the
// third field of a known_hosts line gives; it embeds the key type). Understands plain host
// lists ("host,host2"), "[host]:port" names (plain names stand for port 22), '*' and '?'
// wildcards, "!pattern" negations, hashed names ("|1|salt|hash", HMAC-SHA1) and the
// @revoked marker (a revoked key is refused even when another line accepts it).
// @cert-authority lines are ignored (certificates are not supported). Host names compare
// case-insensitively.
bool known_hosts_accepts(std::string_view known_hosts_text, std::string_view host, int port,
                         std::string_view key_blob);

// Same, when only the SHA-256 digest of the key blob is known (libssh2 builds without a raw
// host key).
bool known_hosts_accepts_sha256(std::string_view known_hosts_text, std::string_view host, int port,
                                const std::array<uint8_t, 32>& key_sha256);

// The name a known_hosts file records for host:port ("host", or "[host]:port" off port 22).
std::string known_hosts_name(std::string_view host, int port);

// Why `known_hosts_text` refused the key of host:port, for a message: "no entry for this host",
// or which key types it lists. libssh2 negotiates the host key type it prefers (libgit2 1.5
// only steers it from ~/.ssh/known_hosts), so a file listing the host with other key types
// than the one presented (`presented_blob`, "" when unknown) is the common case, and worth
// saying.
std::string known_hosts_refusal_hint(std::string_view known_hosts_text, std::string_view host, int port,
                                     std::string_view presented_blob);

}  // namespace c4
