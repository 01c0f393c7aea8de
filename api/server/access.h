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

  // `authorization`: the Authorization header ("" when absent); `peer`: the peer's IP address.
  AccessDecision decide(Access access, std::string_view authorization, std::string_view peer) const;

 private:
  enum class Who { nobody, unknown, admin, kamailio, reader };
  Who identify(std::string_view authorization, TenantScope& scope) const;
  bool trusted(std::string_view peer) const;

  std::string admin_sha256_, kamailio_sha256_;  // empty when not configured
  std::vector<IpNetwork> trusted_networks_;
  std::shared_ptr<const SnapshotHolder<AccessSnapshot>> tokens_;
};

// An AccessControl for a server whose routes are all `open` (the reconciler's webhook, status
// and metrics): no tokens, no trusted network; any other policy is refused.
std::shared_ptr<const AccessControl> open_routes_only();

// True when a and b are equal, in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace c4::api
