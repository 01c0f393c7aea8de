// The reconciler's part of the API in `c4confd all`: POST /hooks/git (signed webhook → the
// loop fetches at once) on the API's own listener, and the loop's figures on its /metrics.
#pragma once

#include "api/calls/git_webhook.h"
#include "api/server/server.h"
#include "reconciler/reconcile_loop.h"
#include "reconciler/webhook.h"

namespace c4::api {

// Mounts POST /hooks/git (open access: the route checks its own signature) and appends the
// c4confd_reconcile_* metrics. `loop` must outlive the server. Call before the server starts.
void mount_reconciler_routes(Server& server, ReconcileLoop& loop, const WebhookConfig& webhook);

}  // namespace c4::api
