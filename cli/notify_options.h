// The reporting options of `reconcile` and `all`: commit statuses on the Git host
// (--git-status-*), JSON notifications (--notify-url, repeatable) and the public base URL their
// links point at (--public-url). See docs/operations.md.
#pragma once

#include <vector>

#include "cli/options.h"
#include "reconciler/attempt_reporter.h"

namespace c4::cli {

std::vector<OptionSpec> notify_options();

// The reporter's configuration. The token is the content of --git-status-token-file, else the
// variable C4CONFD_GIT_STATUS_TOKEN; it is required with --git-status-provider. Errors
// (invalid) name the flag.
Result<ReporterConfig> read_notify_options(const ParsedOptions& options);

}  // namespace c4::cli
