// c4confd all: the reconcile loop and the API in one process, the default for one machine and
// for the demo. One listener (the API's) also takes POST /hooks/git; /metrics carries the
// reconciler's figures beside the API's. Each revision the loop commits is handed to the API's
// routing snapshot directly (CallHandling::take_applied_revision).
#include <iostream>
#include <thread>

#include "api/calls/call_handling.h"
#include "api/calls/reconciler_routes.h"
#include "api/server/control_views.h"
#include "cli/commands.h"
#include "cli/reconcile_options.h"
#include "cli/serve_options.h"
#include "common/log.h"

namespace c4::cli {
namespace {

int run_all(const ParsedOptions& parsed) {
  auto options = read_serve_options(parsed);
  if (!options) {
    std::cerr << "c4confd all: " << options.status().message() << "\n";
    return 2;
  }
  options->version = C4CONFD_VERSION;
  auto setup = read_reconcile_options(parsed);
  if (!setup) {
    std::cerr << "c4confd all: " << setup.status().message() << "\n";
    return 2;
  }
  auto call_options = read_call_options(parsed, options->database_url);
  if (!call_options) {
    std::cerr << "c4confd all: " << call_options.status().message() << "\n";
    return 2;
  }
  setup->loop.secrets = call_options->secrets;  // the loop validates with the policy routing reads with
  // 405 replies name the repository this process applies, unless told otherwise.
  if (options->repo_url.empty()) options->repo_url = parsed.get("repo");
  if (Status migrated = migrate_at_start(options->database_url, "all"); !migrated) {
    std::cerr << "c4confd all: " << migrated.message() << "\n";
    return 1;
  }
  // Before any thread exists, so every thread inherits the mask and sigwait() gets the signal.
  block_shutdown_signals();

  ReconcileLoop loop(setup->loop, std::move(setup->source), setup->schemas);
  auto api = start_api("all", std::move(options.value()), std::move(call_options.value()));
  if (!api) return 1;
  api::mount_reconciler_routes(api->service->server(), loop, setup->webhook);
  api::mount_control_views(api->service->server(), api->service->pool(), [&loop] { loop.trigger(); });
  auto reporter = attach_reporter(*setup, loop);
  if (reporter)
    api->service->server().metrics().add_text_source([r = reporter.get()] { return render_delivery_metrics(r->stats()); });
  // Each revision the loop commits becomes the routing snapshot at once, compiled from the
  // catalog it validated (no reload from PostgreSQL); the watcher stays as the fallback.
  loop.on_applied([calls = api->calls.get()](const PassOutcome& outcome) {
    (void)calls->take_applied_revision(*outcome.catalog, outcome.ids, *outcome.revision_id);
  });
  if (setup->webhook.secret.empty())
    log_event(LogLevel::warn, "reconcile.webhook_disabled", {{"reason", "no --webhook-secret-file or C4CONFD_WEBHOOK_SECRET"}});

  std::thread reconciler([&loop] { loop.run(); });
  int rc = run_until_signal(*api->service);  // returns after the signal, with the server stopped
  loop.stop();                            // the pass in progress commits or rolls back
  reconciler.join();
  if (reporter) reporter->stop();        // a delivery in progress ends; queued ones are dropped (logged)
  api->calls->stop();                     // the accepted CDRs are written
  return rc;
}

}  // namespace

Command all_command() {
  std::vector<OptionSpec> options = serve_options();
  auto loop = reconcile_loop_options();
  options.insert(options.end(), loop.begin(), loop.end());
  return {{"all", "[PATH]",
           "Runs the reconcile loop (see `reconcile`) and the API (see `serve`) in one process: the Git branch\n"
           "(--repo, or the directory PATH) is applied as it changes and routing answers from the new revision\n"
           "within a moment. POST /hooks/git is served on the API's --listen address. SIGTERM/SIGINT: in-flight\n"
           "requests and the apply in progress finish, queued CDRs are written, exit 0.",
           options,
           "Runs the reconcile loop and the HTTP API in one process (one machine, the demo)."},
          run_all};
}

}  // namespace c4::cli
