// The old wazo-router-confd's REST paths, served read-only so that its clients keep working
// (docs/api.md "Old paths"; marked deprecated in the OpenAPI document):
//
//   GET /1.0/carrier-trunks, /1.0/normalization-profiles, /1.0/routing-groups,
//       /1.0/routing-rules, /1.0/ipbx   and each /{id}
//
// Each is answered exactly as its current path (/1.0/carrier_trunks, …, /1.0/ipbxs): the list
// shape {"items": [...], "total": N} with offset and limit, tenant scoping, 404 for another
// tenant's object. The old paths that are also current ones (/1.0/tenants, /1.0/domains,
// /1.0/carriers, /1.0/dids) need no alias; /1.0/tenants/{uuid} and /1.0/cdrs/{id} are served by
// the current routes (config_views.h, cdr_search.h), CDR `offset` by the search.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/connection_pool.h"
#include "api/server/server.h"

namespace c4::api {

// (old path, kind) for every alias, e.g. ("/1.0/routing-groups", "routing_groups").
const std::vector<std::pair<std::string, std::string>>& legacy_config_paths();

// Mounts every alias (GET list and GET /{id}).
void mount_legacy_views(Server& server, std::shared_ptr<ConnectionPool> pool);

}  // namespace c4::api
