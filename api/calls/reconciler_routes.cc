#include "api/calls/reconciler_routes.h"

#include "reconciler/reconcile_stats.h"

namespace c4::api {

void mount_reconciler_routes(Server& server, ReconcileLoop& loop, const WebhookConfig& webhook) {
  server.mount("POST", "/hooks/git", Access::open, [&loop, webhook](const ApiRequest& r) {
    return handle_git_webhook(webhook, r.header, r.body, [&loop] { loop.trigger(); });
  });
  server.metrics().add_text_source([&loop] { return render_prometheus(loop.stats()); });
}

}  // namespace c4::api
