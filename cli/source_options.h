// Options shared by the commands that read a desired revision (plan, apply) or a database.
#pragma once

#include <memory>
#include <vector>

#include "cli/options.h"
#include "reconciler/revision_source.h"

namespace c4::cli {

// --repo, --branch, --path, --cache-dir, --https-token, --ssh-key, --ssh-known-hosts.
std::vector<OptionSpec> git_source_options();
OptionSpec database_option();

// The revision source: the Git repository of --repo, else the directory given as the single
// positional argument. Status::invalid when neither or both are given.
Result<std::unique_ptr<RevisionSource>> open_revision_source(const ParsedOptions& options);

}  // namespace c4::cli
