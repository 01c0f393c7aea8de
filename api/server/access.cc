#include "api/server/access.h"

#include <algorithm>

#include <openssl/crypto.h>

#include "common/sha.h"
#include "common/text.h"
#include "common/uuid.h"
#include "api/error_vocabulary.h"

namespace c4::api {
namespace {

// The token of "Bearer <token>" (scheme case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size() || ascii_lower(header.substr(0, scheme.size())) != scheme) return std::nullopt;
  std::string_view token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

HttpReply unauthorized(std::string_view message) { return error_reply(401, "unauthorized", message); }
HttpReply forbidden(std::string_view message) { return error_reply(403, "forbidden", message); }

}  // namespace

std::string_view access_name(Access access) {
  switch (access) {
    case Access::open: return "open";
    case Access::reader: return "reader";
    case Access::fleet: return "fleet";
    case Access::kamailio: return "kamailio";
  }
  return "?";
}

std::shared_ptr<const AccessControl> open_routes_only() {
  return std::make_shared<AccessControl>(AccessConfig{}, std::make_shared<SnapshotHolder<AccessSnapshot>>());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::shared_ptr<const AccessSnapshot>> load_access_snapshot(pqxx::transaction_base& txn) {
  auto snapshot = std::make_shared<AccessSnapshot>();
  try {
    for (const auto& row : txn.exec("SELECT uuid::text FROM tenants ORDER BY uuid"))
      snapshot->all_tenant_uuids.push_back(row[0].c_str());
    for (const auto& row : txn.exec(
             "SELECT lower(a.sha256), a.name, coalesce(array_agg(t.uuid::text ORDER BY t.uuid) "
             "FILTER (WHERE t.uuid IS NOT NULL), '{}')::text "
             "FROM api_tokens a LEFT JOIN api_token_tenants att ON att.api_token_id = a.id "
             "LEFT JOIN tenants t ON t.id = att.tenant_id GROUP BY a.id")) {
      AccessSnapshot::Token token;
      token.name = row[1].c_str();
      // The array text is {uuid,uuid}: UUIDs hold no commas, braces or quotes.
      std::string list = row[2].c_str();
      list = list.substr(1, list.size() - 2);
      for (size_t start = 0; start < list.size();) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        token.tenant_uuids.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
      snapshot->by_sha256.emplace(row[0].c_str(), std::move(token));
    }
  } catch (const std::exception& e) {
    return Status::unavailable(std::string("reading api tokens: ") + e.what());
  }
  return std::shared_ptr<const AccessSnapshot>(std::move(snapshot));
}

Result<std::vector<IpNetwork>> parse_network_list(std::string_view text) {
  std::vector<IpNetwork> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      std::string why;
      auto network = parse_ip_network(item, &why);
      if (!network) return Status::invalid("trusted network \"" + std::string(item) + "\": " + why);
      out.push_back(*network);
    }
    start = comma + 1;
  }
  return out;
}

AccessControl::AccessControl(AccessConfig config, std::shared_ptr<const SnapshotHolder<AccessSnapshot>> tokens)
    : trusted_networks_(std::move(config.trusted_networks)), tokens_(std::move(tokens)),
      wazo_auth_(std::move(config.wazo_auth)) {
  if (!config.admin_token.empty()) admin_sha256_ = sha256_hex(config.admin_token);
  if (!config.kamailio_token.empty()) kamailio_sha256_ = sha256_hex(config.kamailio_token);
}

bool AccessControl::trusted(std::string_view peer) const {
  auto address = parse_ip_address(peer);
  if (!address) return false;
  return std::any_of(trusted_networks_.begin(), trusted_networks_.end(),
                     [&](const IpNetwork& n) { return n.contains(*address); });
}

bool AccessControl::may_block(Access access, const Credentials& credentials) const {
  return wazo_auth_ && access != Access::open && access != Access::kamailio && !credentials.x_auth_token.empty() &&
         bearer_token(credentials.authorization) == std::nullopt;
}

// Tokens are compared by their SHA-256: the digest of what the caller sent is looked up, so
// the time a comparison takes tells nothing about how much of a real token was guessed. A
// bearer token wins over an X-Auth-Token; the latter is only ever sent to wazo-auth.
AccessControl::Who AccessControl::identify(const Credentials& credentials, TenantScope& scope, WazoToken& wazo) const {
  auto token = bearer_token(credentials.authorization);
  if (!token) {
    if (credentials.x_auth_token.empty()) return Who::nobody;
    if (!wazo_auth_) return Who::unknown;
    wazo = wazo_auth_->check(credentials.x_auth_token);
    if (wazo.state == WazoToken::State::unavailable) return Who::wazo_down;
    if (wazo.state == WazoToken::State::unknown) return Who::unknown;
    scope = TenantScope{false, {wazo.tenant_uuid}};
    return Who::wazo;
  }
  std::string digest = sha256_hex(*token);
  if (!admin_sha256_.empty() && constant_time_equal(digest, admin_sha256_)) {
    scope = TenantScope::everything();
    return Who::admin;
  }
  if (!kamailio_sha256_.empty() && constant_time_equal(digest, kamailio_sha256_)) {
    scope = TenantScope::everything();
    return Who::kamailio;
  }
  if (auto snapshot = tokens_->get()) {
    auto it = snapshot->by_sha256.find(digest);
    if (it != snapshot->by_sha256.end() && constant_time_equal(it->first, digest)) {
      scope = TenantScope{false, it->second.tenant_uuids};
      return Who::reader;
    }
  }
  return Who::unknown;
}

// A wazo-auth token on a reader or fleet path: the ACL the path needs.
std::optional<HttpReply> AccessControl::wazo_denial(Access access, const WazoToken& wazo) const {
  std::string_view acl = access == Access::fleet ? kWazoFleetAcl : kWazoReaderAcl;
  if (any_acl_grants(wazo.acls, acl)) return std::nullopt;
  return forbidden("this wazo-auth token lacks the ACL " + std::string(acl) + " this path needs");
}

// Wazo-Tenant: one tenant among those the token sees; the scope becomes that tenant alone.
std::optional<HttpReply> AccessControl::narrow_to_tenant(Who who, const Credentials& credentials,
                                                         TenantScope& scope) const {
  std::string_view wanted = credentials.wazo_tenant;
  if (wanted.empty()) return std::nullopt;
  if (!is_uuid(wanted))
    return invalid_input_reply("header", "Wazo-Tenant", "header Wazo-Tenant: expected a tenant UUID");
  std::string tenant = ascii_lower(wanted);
  bool allowed = scope.allows(tenant);
  if (!allowed && who == Who::wazo) {
    WazoToken answer = wazo_auth_->check(credentials.x_auth_token, tenant);
    if (answer.state == WazoToken::State::unavailable)
      return unavailable_reply("wazo-auth", "wazo-auth cannot check tokens right now; retry");
    allowed = answer.state == WazoToken::State::valid;
  }
  if (!allowed) return forbidden("this token may not see tenant " + tenant + " (header Wazo-Tenant)");
  scope = TenantScope{false, {tenant}};
  return std::nullopt;
}

AccessDecision AccessControl::decide(Access access, std::string_view authorization, std::string_view peer) const {
  return decide(access, Credentials{authorization, {}, {}}, peer);
}

AccessDecision AccessControl::decide(Access access, const Credentials& credentials, std::string_view peer) const {
  AccessDecision d;
  if (access == Access::open) {
    d.allowed = true;
    return d;
  }
  TenantScope scope;
  WazoToken wazo;
  // Kamailio paths never consult wazo-auth (and never wait for it on an I/O thread).
  Who who = identify(access == Access::kamailio ? Credentials{credentials.authorization, {}, {}} : credentials, scope, wazo);
  if (access == Access::kamailio) {
    if (who == Who::admin || who == Who::reader || who == Who::wazo) {
      d.denial = forbidden("Kamailio endpoints carry SIP secrets: they answer the Kamailio token or trusted "
                           "networks, never the admin token or an API token");
    } else if (who == Who::kamailio || trusted(peer)) {
      d.allowed = true;
      d.scope = TenantScope::everything();
    } else {
      d.denial = forbidden("Kamailio endpoints answer only trusted networks (--trusted-networks) or the Kamailio "
                           "token (--kamailio-token-file); " + std::string(peer) + " is neither");
    }
    return d;
  }
  switch (who) {
    case Who::nobody:
      d.denial = unauthorized("this path needs a token: Authorization: Bearer <token>, or X-Auth-Token (wazo-auth)");
      return d;
    case Who::unknown:
      d.denial = unauthorized(!credentials.x_auth_token.empty() && !bearer_token(credentials.authorization)
                                  ? (wazo_auth_ ? "the X-Auth-Token is not a valid wazo-auth token (unknown or expired)"
                                                : "X-Auth-Token is not accepted: no wazo-auth is configured (--wazo-auth-url)")
                                  : "the bearer token is not known (see the ApiToken manifests)");
      return d;
    case Who::wazo_down:
      d.denial = unavailable_reply("wazo-auth", "wazo-auth cannot check tokens right now; retry");
      return d;
    case Who::kamailio:
      d.denial = forbidden("the Kamailio token may call only the Kamailio endpoints");
      return d;
    case Who::wazo:
      if (auto denied = wazo_denial(access, wazo)) {
        d.denial = std::move(*denied);
        return d;
      }
      break;
    case Who::admin:
    case Who::reader:
      break;
  }
  return admit(access, who, credentials, std::move(scope));
}

// A known token on a reader or fleet path: fleet needs the whole repository (the admin token,
// an ApiToken of every tenant, or a wazo-auth token with the fleet ACL); a reader's scope may be
// narrowed by Wazo-Tenant.
AccessDecision AccessControl::admit(Access access, Who who, const Credentials& credentials, TenantScope scope) const {
  AccessDecision d;
  if (access == Access::fleet) {
    if (who == Who::wazo) scope = TenantScope::everything();  // granted by kWazoFleetAcl
    auto snapshot = tokens_->get();
    bool covers = scope.all || (snapshot && std::all_of(snapshot->all_tenant_uuids.begin(), snapshot->all_tenant_uuids.end(),
                                                        [&](const std::string& t) { return scope.allows(t); }));
    if (!covers) {
      d.denial = forbidden("this path shows the whole configuration repository: it needs the admin token or a "
                           "token that covers every tenant");
      return d;
    }
  } else if (auto denied = narrow_to_tenant(who, credentials, scope)) {
    d.denial = std::move(*denied);
    return d;
  }
  d.allowed = true;
  d.scope = std::move(scope);
  return d;
}

}  // namespace c4::api
