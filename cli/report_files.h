// Files a command writes beside its output for CI: the SARIF log and the GitHub annotations
// of a revision's problems (model/problem_reports.h), so one run of `validate` or `plan`
// serves the annotations, code scanning and its own output.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"
#include "common/status.h"
#include "model/problem.h"

namespace c4::cli {

// --sarif-file FILE and --annotations-file FILE.
std::vector<OptionSpec> problem_report_options();

// Writes the files the options ask for (none: nothing), file names prefixed by `file_prefix`
// (the manifests' directory from the repository root, "" or ending in '/').
Status write_problem_reports(const ParsedOptions& options, const Problems& problems, const std::string& file_prefix);

// Writes `text` to `path` through a temporary file renamed over it: a reader never sees half
// a file, and a failure leaves the previous one. unavailable when it cannot.
Status write_file_whole(const std::string& path, const std::string& text);

}  // namespace c4::cli
