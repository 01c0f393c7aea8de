// Options shared by the commands that read a desired revision (plan, apply) or a database.
#pragma once

#include <memory>
#include <vector>

#include "cli/options.h"
#include "reconciler/revision_source.h"

namespace c4::cli {

// --repo, --branch, --path, --cache-dir, --https-token, --ssh-key, --ssh-known-hosts, then the
// --max-* limits (cli/limit_options.h): every command that reads a revision applies them.
std::vector<OptionSpec> git_source_options();
OptionSpec database_option();

// The revision source: the Git repository of --repo, else the directory given as the single
// positional argument, reading files under the --max-* limits. Status::invalid when neither
// or both are given, or a limit is not a number.
Result<std::unique_ptr<RevisionSource>> open_revision_source(const ParsedOptions& options);

}  // namespace c4::cli
