// The Redis projection input of a reconcile pass that validated: its catalog, the database ids
// the pass read or wrote, and the revision id "<revision row>:<commit>" the edge sees.
#pragma once

#include "reconciler/reconcile_pass.h"
#include "reconciler/redis_projection.h"

namespace c4 {

// The revision id published for `outcome`: "<revision row id>:<commit id>" ("0:<commit>" when
// no row is known).
std::string projection_revision_id(const PassOutcome& outcome);

// A ProjectionInput for `outcome` that owns copies of what its callbacks need (ids, tenant
// uuids), so it outlives `outcome`. The catalog is shared, not copied. No `previous` shortcut:
// set input.previous/previous_revision to use one.
// REQUIRES: outcome.catalog != nullptr (the revision validated).
ProjectionInput projection_input(const PassOutcome& outcome);

}  // namespace c4
