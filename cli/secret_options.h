// --secrets-dir and --secrets-env-prefix: where the passwordFrom references of manifests may
// point (model/secret_policy.h), for every command that validates manifests or reads secrets.
// Environment twins: C4CONFD_SECRETS_DIR and C4CONFD_SECRETS_ENV_PREFIX.
#pragma once

#include <vector>

#include "cli/options.h"
#include "model/secret_policy.h"

namespace c4::cli {

// --secrets-dir DIR (repeatable; a value may also list several directories separated by ':',
// as C4CONFD_SECRETS_DIR may) and --secrets-env-prefix PREFIX (default C4_SECRET_).
std::vector<OptionSpec> secret_options();

// The policy those flags describe. The files this command itself reads secrets from (the
// token files, the webhook secret file, the SSH key: whichever of those flags it has) are
// refused to manifests. Errors (invalid) name the flag. `dirs`: must_exist for the commands
// that read secrets (serve, all, route), may_be_missing for those that only validate.
Result<SecretPolicy> read_secret_policy(const ParsedOptions& options, SecretPolicy::Dirs dirs);

}  // namespace c4::cli
