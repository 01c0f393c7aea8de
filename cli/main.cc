// c4confd: one binary, one subcommand per job (see --help).
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace c4::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {validate_command(), plan_command(), apply_command(),
                                                migrate_command(), status_command(),
                                                route_command(), serve_command(), reconcile_command(),
                                                all_command(), ctl_command()};
  return commands;
}

namespace {

void print_help(std::ostream& out) {
  out << "c4confd: configuration and routing service of a Class 4 VoIP switch.\n"
         "Manifests in a Git repository are validated, planned, applied to PostgreSQL and Redis,\n"
         "and served to Kamailio routers.\n\n"
         "Usage: c4confd COMMAND [OPTIONS] [ARGS]\n\nCommands:\n";
  for (const auto& c : all_commands()) {
    std::string first_line = c.spec.summary.substr(0, c.spec.summary.find('\n'));
    out << "  " << c.spec.name << std::string(c.spec.name.size() < 12 ? 12 - c.spec.name.size() : 1, ' ')
        << first_line << "\n";
  }
  out << "\n";
  for (const auto& c : all_commands()) out << command_help(c.spec) << "\n";
  out << "c4confd --version prints the version.\n";
}

}  // namespace
}  // namespace c4::cli

int main(int argc, char** argv) {
  using namespace c4::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help(std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    // The commit too: a bug report or an image's OCI revision label then names the exact source.
    std::cout << "c4confd " << C4CONFD_VERSION << " (commit " << C4CONFD_COMMIT << ")\n";
    return 0;
  }
  for (const auto& c : all_commands()) {
    if (c.spec.name != args[0]) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest) {
      if (a == "--") break;
      if (a == "--help" || a == "-h") {
        std::cout << command_help(c.spec);
        return 0;
      }
    }
    auto options = parse_options(c.spec, rest);
    if (!options) {
      std::cerr << "c4confd " << c.spec.name << ": " << options.status().message() << "\n";
      return 2;
    }
    try {
      return c.run(*options);
    } catch (const std::exception& e) {
      // A bug of ours; never a crash without a word.
      std::cerr << "c4confd " << c.spec.name << ": internal error: " << e.what() << "\n";
      return 2;
    }
  }
  std::cerr << "c4confd: unknown command \"" << args[0] << "\" (see c4confd --help)\n";
  return 2;
}
