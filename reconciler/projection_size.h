// The size of a revision's Redis projection (reconciler/redis_projection.h), known from its
// catalog before anything is applied, so a revision whose projection would go over
// Limits::max_redis_keys is refused at validation, at the file:line where the count crosses.
#pragma once

#include <cstdint>

#include "model/catalog.h"
#include "model/limits.h"

namespace c4 {

// The keys project_to_redis would write for `catalog` (c4:src:*, c4:did:*, c4:srcnet,
// c4:didrange, c4:didprefix; not c4:revision). REQUIRES: `catalog` validated without errors
// (no number claimed twice).
uint64_t projected_key_count(const Catalog& catalog);

// Reports the object (a DID: the entry) at which the count of projected keys, in projection
// order, goes over limits.max_redis_keys; one problem at most. Stops counting there, so a
// range of a billion numbers costs nothing.
void check_projection_size(const Catalog& catalog, const Limits& limits, Problems& problems);

}  // namespace c4
