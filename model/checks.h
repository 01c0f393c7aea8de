// Cross-object checks of a decoded, indexed catalog: everything a single document cannot tell
// on its own. Each check is a named function so a failure says which rule was broken.
#pragma once

#include "model/catalog.h"

namespace c4 {

// Every metadata.tenant names a declared Tenant.
void check_tenants_exist(const Catalog& catalog, Problems& problems);
// Every by-name reference resolves within the object's tenant; a reference into another
// tenant is reported as cross-tenant, a missing target names what was looked for.
void check_references(const Catalog& catalog, Problems& problems);
// Values that must be unique across objects: tenant UUIDs, SIP domains, API token hashes.
void check_unique_values(const Catalog& catalog, Problems& problems);
// Routing plans that cannot work: a trunk listed twice in a rule, a group with no rules,
// an IPBX whose routing group is ambiguous.
void check_routing(const Catalog& catalog, Problems& problems);

// All of the above plus check_number_claims (number_set.h).
void check_catalog(const Catalog& catalog, Problems& problems);

}  // namespace c4
