// Tokens of wazo-auth, the Wazo platform's authentication service, as the old wazo-router-confd
// clients send them (`X-Auth-Token`), checked against the wazo-auth the operator configures
// (--wazo-auth-url) and cached until they expire.
//
// The check is wazo-auth's own: GET {url}/0.1/token/{token} answers 200 with
// {"data": {"metadata": {"tenant_uuid", …}, "acl": [...], "utc_expires_at", …}} for a valid
// token and 404 for an unknown or expired one; with `?tenant=UUID` it answers 200 only when the
// token may act on that tenant (its own or a sub-tenant: the `Wazo-Tenant` header of Wazo
// clients), 403/404 otherwise. Any other answer, or none within the timeout, is "wazo-auth is
// unavailable" (a 503 for the caller, never a 500).
//
// What a token may do in c4confd is read from its ACLs (Wazo's dotted syntax, `*` one word,
// `#` one or more words), docs/security.md "wazo-auth tokens":
//   c4confd.config.read   reader paths (configuration, CDRs, explain) of the token's tenant
//   c4confd.fleet.read    fleet paths (revisions, reconciler status): the whole repository
// Kamailio paths never accept a wazo-auth token.
//
// Cache: answers (valid and unknown tokens alike) are kept until the token's expiry, at most
// kMaxValidCache for a valid one (so a revoked token stops working within it) and
// kUnknownCache for an unknown one; at most `cache_entries` entries (the soonest to expire are
// dropped first). Keys are SHA-256 digests, never the tokens.
//
// Thread-safety: check() may be called from any thread concurrently; it blocks for the HTTP
// call on a cache miss (so the server calls it on a worker, never on an I/O thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/http_client.h"
#include "common/status.h"

namespace c4::api {

inline constexpr std::chrono::seconds kMaxValidCache{600};
inline constexpr std::chrono::seconds kUnknownCache{10};

struct WazoAuthOptions {
  std::string url;  // http:// or https://host[:port][/prefix]; empty: not used
  std::chrono::milliseconds timeout{2000};
  size_t cache_entries = 10000;
  // The wall clock (tests move it); expiries are wall-clock times.
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// What wazo-auth said of one token (and tenant, when one was asked for).
struct WazoToken {
  enum class State { valid, unknown, unavailable };
  State state = State::unknown;
  std::string tenant_uuid;        // the token's own tenant (lower-case), when valid
  std::vector<std::string> acls;  // when valid
  std::chrono::system_clock::time_point expires_at{};  // when valid
  std::string why;                // when unavailable: what went wrong (for the log)
};

// True when the ACL pattern (Wazo syntax: words split by '.', `*` one word, `#` one or more)
// grants `required` (e.g. "c4confd.config.read").
bool acl_grants(std::string_view pattern, std::string_view required);
bool any_acl_grants(const std::vector<std::string>& acls, std::string_view required);

// A token worth sending to wazo-auth: 1 to 256 of [A-Za-z0-9-_.~] (Wazo tokens are UUIDs), so
// nothing a caller sends can change the request c4confd makes.
bool plausible_wazo_token(std::string_view token);

// Parses "2026-11-26T10:00:00.123456" (wazo-auth's utc_expires_at: UTC, no offset) or with a
// trailing "Z"/"+00:00". nullopt when it is not such a time.
std::optional<std::chrono::system_clock::time_point> parse_wazo_time(std::string_view text);

class WazoAuth {
 public:
  // invalid when the URL is not http(s)://host[:port][/path].
  static Result<std::shared_ptr<WazoAuth>> create(WazoAuthOptions options);

  // wazo-auth's answer for `token`, and when `tenant_uuid` is not empty, whether the token
  // may act on that tenant (valid) or not (unknown). Cached (see above).
  WazoToken check(std::string_view token, std::string_view tenant_uuid = {});

  // HTTP calls made to wazo-auth so far (tests: a cache hit makes none).
  size_t calls() const;

 private:
  struct Entry {
    WazoToken token;
    std::chrono::system_clock::time_point until;
  };
  explicit WazoAuth(WazoAuthOptions options) : options_(std::move(options)) {}
  WazoToken ask(std::string_view token, std::string_view tenant_uuid);
  void remember(const std::string& key, const WazoToken& token, std::chrono::system_clock::time_point until);

  WazoAuthOptions options_;
  HttpUrl url_;         // the wazo-auth base
  std::string prefix_;  // its path, without the trailing '/'
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;  // key: sha256(token) + "/" + tenant
  size_t calls_ = 0;
};

}  // namespace c4::api
