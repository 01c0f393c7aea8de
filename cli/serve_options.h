// The options of `c4confd serve` (and of `c4confd all`, which adds the reconciler's): flags,
// their environment twins, and their translation into api::ApiServiceOptions.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "api/calls/call_handling.h"
#include "api/server/api_service.h"
#include "cli/options.h"

namespace c4::cli {

// --listen, --workers, --database-url, --redis-url, --admin-token-file, --kamailio-token-file,
// --trusted-networks, --repo-url, --max-body-bytes, --poll-interval, --log-level, the CDR
// spool's (cdr_spool_options.h) and the secret policy's --secrets-dir and --secrets-env-prefix
// (cli/secret_options.h).
std::vector<OptionSpec> serve_options();

// The call handling's options for `database_url`: the secret policy of the flags, whose
// directories must exist (invalid, naming the flag, otherwise), and the CDR spool they name
// (open_cdr_spool). Logs the policy.
Result<api::CallHandlingOptions> read_call_options(const ParsedOptions& options, const std::string& database_url);

// Reads and checks them. Tokens come from the file flags, else from C4CONFD_ADMIN_TOKEN and
// C4CONFD_KAMAILIO_TOKEN. Errors (invalid) name the flag: a bad HOST:PORT, a worker count or
// body limit that is not a positive number, an unreadable or empty token file, a bad CIDR, an
// unknown log level, a missing --database-url.
Result<api::ApiServiceOptions> read_serve_options(const ParsedOptions& options);

// The API service of `serve` and `all`, with call handling mounted on it.
struct StartedApi {
  std::unique_ptr<api::ApiService> service;
  std::unique_ptr<api::CallHandling> calls;
};
// Creates the service and mounts call handling; on failure prints "c4confd COMMAND: why" to
// stderr and returns nullopt (the command exits 1).
std::optional<StartedApi> start_api(std::string_view command, api::ApiServiceOptions options,
                                    api::CallHandlingOptions call_options);

// Runs a configured service until SIGTERM or SIGINT, then shuts it down gracefully. Returns
// the exit code (0 after a signal, 1 when it could not start). REQUIRES: shutdown signals were
// blocked (block_shutdown_signals) before any thread was created.
int run_until_signal(api::ApiService& service);

// Blocks SIGTERM and SIGINT in the calling thread and the threads it creates later, so
// run_until_signal() receives them with sigwait().
void block_shutdown_signals();

// Waits, with sigwait(), for SIGTERM or SIGINT (blocked beforehand by block_shutdown_signals())
// and returns its name.
std::string_view wait_for_shutdown_signal();

}  // namespace c4::cli
