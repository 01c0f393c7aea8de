// The options of the reconcile loop, shared by `c4confd reconcile` and `c4confd all`: the Git
// source, --interval, --webhook-secret-file and --threads (the database and Redis URLs are the
// command's own flags), and their translation into what the loop needs.
#pragma once

#include <memory>
#include <vector>

#include "cli/options.h"
#include "model/schema_set.h"
#include "reconciler/attempt_reporter.h"
#include "reconciler/reconcile_loop.h"
#include "reconciler/revision_source.h"
#include "reconciler/webhook.h"

namespace c4::cli {

// --interval, --webhook-secret-file, --threads, then the Git source options.
std::vector<OptionSpec> reconcile_loop_options();

struct ReconcileSetup {
  ReconcileLoopConfig loop;
  WebhookConfig webhook;  // secret empty: every hook is refused
  std::unique_ptr<RevisionSource> source;
  std::shared_ptr<const SchemaSet> schemas;
  ReporterConfig reporter;  // commit statuses and notifications (cli/notify_options.h)
};

// The reporter of `setup` listening to `loop`, or nullptr when nothing is to be reported. Its
// counters are added to `metrics_text` sources by the caller. REQUIRES: before loop.run().
std::unique_ptr<AttemptReporter> attach_reporter(const ReconcileSetup& setup, ReconcileLoop& loop);

// Reads --database-url (required), --redis-url and the options above. The webhook secret is
// the content of --webhook-secret-file (trailing newlines dropped), else C4CONFD_WEBHOOK_SECRET.
// Errors (invalid) name the flag.
Result<ReconcileSetup> read_reconcile_options(const ParsedOptions& options);

// Migrates the database at start. A database that is down now is not an error (the loop
// retries and migrates itself); any other failure is, with its message.
Status migrate_at_start(const std::string& database_url, std::string_view component);

}  // namespace c4::cli
