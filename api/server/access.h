// Who may call what: bearer tokens (ApiToken manifests, the admin token, the Kamailio token)
// and trusted networks for the Kamailio endpoints.
//
// Tokens of ApiToken manifests are known only by their SHA-256 (table api_tokens); they are
// loaded into an AccessSnapshot held in memory, so requests are authorised without the
// database and keep working while PostgreSQL is down. Comparisons of secrets are constant-time.
//
// Decisions, per route policy:
//   open      everyone (health checks, /metrics, /openapi.json, the signed Git webhook)
//   reader    a bearer token: the admin token (every tenant) or an ApiToken (its tenants)
//   fleet     like reader, but the token must cover every tenant (revisions and reconciler
//             status describe the whole repository, so they are not shown per tenant)
//   kamailio  a peer in a trusted network, or the Kamailio token. These answers hold SIP secrets
//             (auth_password, uacreg), which no other token may see: the admin token and
//             ApiTokens are refused (403) there, even from a trusted network.
// A missing or unknown token is a 401 (with WWW-Authenticate: Bearer); a valid token that may
// not use the route is a 403.
//
// Tokens of wazo-auth (header X-Auth-Token, when a wazo-auth is configured: wazo_auth.h) pass
// reader paths with the ACL c4confd.config.read (their tenant) and fleet paths with
// c4confd.fleet.read; never Kamailio paths. The header Wazo-Tenant (a tenant UUID) narrows any
// token's scope to that one tenant, which the token must see (for a wazo-auth token: its own
// tenant or one wazo-auth says it may act on); otherwise 403. A wazo-auth that cannot answer
// is a 503 `unavailable` (service "wazo-auth").
//
// Thread-safety: decide() may be called from any thread; the snapshot is swapped by the
// revision watcher.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pqxx/pqxx>

#include "api/http_reply.h"
#include "api/server/snapshot_holder.h"
#include "api/server/wazo_auth.h"
#include "common/status.h"
#include "model/net.h"

namespace c4::api {

enum class Access { open, reader, fleet, kamailio };
std::string_view access_name(Access access);

// The ApiTokens of one revision.
struct AccessSnapshot {
  struct Token {
    std::string name;
    std::vector<std::string> tenant_uuids;  // lower-case canonical
  };
  std::unordered_map<std::string, Token> by_sha256;  // key: 64 lower-case hex digits
  std::vector<std::string> all_tenant_uuids;          // every tenant of the revision
};

// Reads api_tokens, api_token_tenants and tenants. Database errors become a Status.
Result<std::shared_ptr<const AccessSnapshot>> load_access_snapshot(pqxx::transaction_base& txn);

struct AccessConfig {
  std::string admin_token;     // empty: no admin token
  std::string kamailio_token;  // empty: Kamailio only from trusted networks
  std::vector<IpNetwork> trusted_networks;
  std::shared_ptr<WazoAuth> wazo_auth;  // null: X-Auth-Token is refused (401)
};

// The ACLs a wazo-auth token needs (docs/security.md).
inline constexpr std::string_view kWazoReaderAcl = "c4confd.config.read";
inline constexpr std::string_view kWazoFleetAcl = "c4confd.fleet.read";

// What a request presents: its headers Authorization, X-Auth-Token and Wazo-Tenant ("" when
// absent).
struct Credentials {
  std::string_view authorization;
  std::string_view x_auth_token;
  std::string_view wazo_tenant;
};

// Parses a comma-separated CIDR list ("127.0.0.0/8,::1/128"); invalid names the bad entry.
Result<std::vector<IpNetwork>> parse_network_list(std::string_view text);

struct AccessDecision {
  bool allowed = false;
  TenantScope scope;     // when allowed
  HttpReply denial;      // when not allowed: 401 or 403 JSON
};

class AccessControl {
 public:
  AccessControl(AccessConfig config, std::shared_ptr<const SnapshotHolder<AccessSnapshot>> tokens);

  // `peer`: the peer's IP address. May block on wazo-auth when an X-Auth-Token is not cached
  // (may_block() says when): call it on a worker then.
  AccessDecision decide(Access access, const Credentials& credentials, std::string_view peer) const;
  // The same with only an Authorization header.
  AccessDecision decide(Access access, std::string_view authorization, std::string_view peer) const;

  // True when decide() may wait for wazo-auth for a request of this policy with these headers.
  bool may_block(Access access, const Credentials& credentials) const;

 private:
  enum class Who { nobody, unknown, admin, kamailio, reader, wazo, wazo_down };
  Who identify(const Credentials& credentials, TenantScope& scope, WazoToken& wazo) const;
  bool trusted(std::string_view peer) const;
  std::optional<HttpReply> wazo_denial(Access access, const WazoToken& wazo) const;
  std::optional<HttpReply> narrow_to_tenant(Who who, const Credentials& credentials, TenantScope& scope) const;
  AccessDecision admit(Access access, Who who, const Credentials& credentials, TenantScope scope) const;

  std::string admin_sha256_, kamailio_sha256_;  // empty when not configured
  std::vector<IpNetwork> trusted_networks_;
  std::shared_ptr<const SnapshotHolder<AccessSnapshot>> tokens_;
  std::shared_ptr<WazoAuth> wazo_auth_;
};

// An AccessControl for a server whose routes are all `open` (the reconciler's webhook, status
// and metrics): no tokens, no trusted network; any other policy is refused.
std::shared_ptr<const AccessControl> open_routes_only();

// True when a and b are equal, in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace c4::api
