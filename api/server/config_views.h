// Read-only REST views of the configuration, one set of paths per kind, read from PostgreSQL
// (the tables of store/migrations/0001_config_tables.sql):
//
//   GET /1.0/<kind>                          {"items": [...], "total": N}; offset, limit,
//                                            name, tenant (name or uuid), label=key=value…
//   GET /1.0/<kind>/{id}                     one object (tenants: id or UUID)
//   GET /1.0/<kind>/by-name/{tenant}/{name}  one object (tenants, api_tokens: /by-name/{name})
//
// Objects look like the old service's: id, name, tenant_uuid (and tenant, its name), the
// database ids of the objects it refers to (carrier_id, ipbx_id, …), labels, and the spec's
// fields in snake_case (sipProxyPort → sip_proxy_port). Secrets (password, ha1) are
// "<redacted>"; an ApiToken's hash is never shown. DIDs carry their numbers, ranges and
// prefixes.
//
// Every query is filtered by the caller's TenantScope: another tenant's object is a 404, not
// a 403, so ids do not reveal what exists. An ApiToken is visible only to a scope that covers
// all its tenants.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/server/server.h"
#include "store/connection_pool.h"

namespace c4::api {

// The path segment of every kind ("tenants", "carrier_trunks", …), in dependency order.
const std::vector<std::string>& config_kind_paths();

// Mounts the three GET routes of every kind on `server`.
void mount_config_views(Server& server, std::shared_ptr<ConnectionPool> pool);

// Mounts GET `alias` and `alias`/{id}, answered exactly as /1.0/`kind` and /1.0/`kind`/{id}
// (legacy_views.h: the old service's paths). Throws std::invalid_argument for an unknown kind.
void mount_kind_alias(Server& server, std::shared_ptr<ConnectionPool> pool, const std::string& kind,
                      const std::string& alias);

// The spec as the API shows it: keys in snake_case, secrets redacted (exposed for tests).
nlohmann::json api_spec_fields(const nlohmann::json& spec);
std::string snake_case(const std::string& key);

}  // namespace c4::api
