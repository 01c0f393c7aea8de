// c4confd: one binary, one subcommand per job (see --help).
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace c4::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {validate_command(), plan_command(), apply_command(),
                                                migrate_command(), status_command(),
                                                route_command(), serve_command(), reconcile_command(),
                                                all_command(), schemas_command(), import_command(), ctl_command()};
  return commands;
}

namespace {

// `text` wrapped at `width` columns, every line after the first indented by `indent` spaces.
std::string wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

void print_help(std::ostream& out) {
  out << "c4confd: configuration and routing service of a Class 4 VoIP switch.\n"
         "Manifests in a Git repository are validated, planned, applied to PostgreSQL and Redis,\n"
         "and served to Kamailio routers.\n\n"
         "Usage: c4confd COMMAND [OPTIONS] [ARGS]\n"
         "       c4confd help COMMAND    (or c4confd COMMAND --help): one command in full\n\nCommands:\n";
  constexpr size_t kColumn = 14;
  for (const auto& c : all_commands()) {
    std::string name = "  " + c.spec.name;
    out << name << std::string(name.size() < kColumn ? kColumn - name.size() : 1, ' ')
        << wrapped(command_brief(c.spec), kColumn, 100) << "\n";
  }
  out << "\n" << kExitUsageHelp << "\n\n";
  for (const auto& c : all_commands()) out << command_help(c.spec) << "\n";
  out << "c4confd --version prints the version.\n";
}

const Command* find_command(const std::string& name) {
  for (const auto& c : all_commands())
    if (c.spec.name == name) return &c;
  return nullptr;
}

// c4confd help [COMMAND]
int run_help(const std::vector<std::string>& args) {
  if (args.size() < 2) {
    print_help(std::cout);
    return 0;
  }
  const Command* c = find_command(args[1]);
  if (!c || args.size() > 2) {
    std::cerr << "c4confd help: " << (c ? "expected one COMMAND" : "unknown command \"" + args[1] + "\"")
              << " (see c4confd --help)\n";
    return kExitUsage;
  }
  std::cout << command_help(c->spec);
  return 0;
}

}  // namespace
}  // namespace c4::cli

int main(int argc, char** argv) {
  using namespace c4::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_help(std::cerr);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return run_help(args);
  if (args[0] == "--version") {
    // The commit too: a bug report or an image's OCI revision label then names the exact source.
    std::cout << "c4confd " << C4CONFD_VERSION << " (commit " << C4CONFD_COMMIT << ")\n";
    return 0;
  }
  const Command* c = find_command(args[0]);
  if (!c) {
    std::cerr << "c4confd: unknown command \"" << args[0] << "\" (see c4confd --help)\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& a : rest) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      std::cout << command_help(c->spec);
      return 0;
    }
  }
  auto options = parse_options(c->spec, rest);
  if (!options) {
    std::cerr << "c4confd " << c->spec.name << ": " << options.status().message() << "\n";
    return kExitUsage;
  }
  try {
    return c->run(*options);
  } catch (const std::exception& e) {
    // A bug of ours; never a crash without a word.
    std::cerr << "c4confd " << c->spec.name << ": internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
