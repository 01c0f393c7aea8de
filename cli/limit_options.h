// The --max-* flags (model/limits.h), shared by every command that reads manifests: validate,
// plan, apply, route, reconcile and all.
#pragma once

#include <vector>

#include "cli/options.h"
#include "model/limits.h"

namespace c4::cli {

// --max-file-bytes, --max-revision-bytes, --max-yaml-nodes, --max-alias-expansions,
// --max-numbers, --max-redis-keys, each with its C4CONFD_MAX_* twin and Limits{}'s default.
std::vector<OptionSpec> limit_options();

// The limits the options give. invalid (naming the flag) unless each is a whole number >= 1.
Result<Limits> read_limits(const ParsedOptions& options);

}  // namespace c4::cli
