// The on-call engineer's controls (docs/operations.md), for the admin token only (mounted as
// Access::fleet, then refused with 403 unless the caller's scope is `all`, which only the admin
// token has there: an ApiToken covering every tenant lists them, the Kamailio token is refused
// on fleet paths):
//
//   POST /1.0/reconciler/sync     fetch the branch now (what a signed POST /hooks/git does);
//                                 409 "no_reconciler" when this process runs no loop (`serve`)
//   POST /1.0/reconciler/suspend  {"reason"?}: stop applying, on every instance, across restarts
//   POST /1.0/reconciler/resume   apply the branch tip again (clears a pin)
//   POST /1.0/reconciler/pin      {"revision": "<commit id>" | <revision id>, "reason"?}: apply
//                                 that past commit of the branch and hold it until resumed. A
//                                 revision id (a number or a string of digits) must be a revision
//                                 that was applied; a commit id is 40 hex digits, or a prefix of
//                                 7 or more of a commit in the revision log.
//
// Each answers 200 with the reconciler status (as GET /1.0/status, without "snapshot") and
// wakes the loop when it is in this process, so the change takes effect within a moment. The
// state is in PostgreSQL (reconciler/control_state.h); the loop refuses a pinned commit that is
// not on the branch (log event reconcile.pin_refused) and applies nothing. Database errors are 503.
#pragma once

#include <functional>

#include "store/connection_pool.h"
#include "api/server/server.h"

namespace c4::api {

// `pool` must outlive the server. `sync`: the loop's trigger in `c4confd all`; empty in
// `serve` (no loop in the process: sync answers 409). Call before the server starts.
void mount_control_views(Server& server, ConnectionPool& pool, std::function<void()> sync);

}  // namespace c4::api
