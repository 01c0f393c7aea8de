// The subcommands of the c4confd binary. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"

namespace c4::cli {

struct Command {
  CommandSpec spec;
  int (*run)(const ParsedOptions& options);
};

// Every subcommand, in the order --help lists them.
const std::vector<Command>& all_commands();

// c4confd validate PATH: exit 0 valid, 1 invalid, 2 could not run.
Command validate_command();
Command plan_command();
Command apply_command();
Command migrate_command();
Command status_command();
Command route_command();
Command serve_command();
Command reconcile_command();
Command all_command();
Command schemas_command();
Command import_command();
Command ctl_command();

}  // namespace c4::cli
