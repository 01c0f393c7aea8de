#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/limit_options.h"
#include "cli/report_files.h"
#include "cli/secret_options.h"
#include "common/escape.h"
#include "model/loader.h"
#include "model/problem_reports.h"
#include "model/validate.h"
#include "reconciler/projection_size.h"

namespace c4::cli {
namespace {

constexpr int kExitValid = 0, kExitInvalid = 1, kExitCannotRun = 2;

std::string summary(const ValidationReport& report) {
  std::string s = std::to_string(report.files) + " files, " + std::to_string(report.catalog.object_count()) + " objects";
  std::string kinds;
  report.catalog.for_each_list([&](const auto& list) {
    if (list.empty()) return;
    kinds += (kinds.empty() ? "" : ", ") + std::to_string(list.size()) + " " +
             std::string(kind_name(list.front().meta.kind));
  });
  uint64_t numbers = 0;
  for (const auto& d : report.catalog.all<DID>()) numbers += d.counted_numbers();
  if (!kinds.empty()) s += " (" + kinds + ")";
  s += ", " + with_thousands(numbers) + " numbers in lists and ranges";
  return s;
}

// What goes before a problem's file name (relative to the validated directory) so that it
// names the file from the repository root: --file-prefix, else the directory PATH names (its
// parent for a file) when relative, or relative to $GITHUB_WORKSPACE when under it.
std::string file_prefix(const ParsedOptions& options, const std::string& path) {
  if (auto given = options.get("file-prefix"); !given.empty()) return given.back() == '/' ? given : given + "/";
  std::filesystem::path dir(path);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  if (dir.is_absolute()) {
    const char* workspace = std::getenv("GITHUB_WORKSPACE");
    if (!workspace || !*workspace) return dir.generic_string() + "/";
    auto relative = dir.lexically_normal().lexically_relative(std::filesystem::path(workspace).lexically_normal());
    if (relative.empty() || *relative.begin() == "..") return dir.generic_string() + "/";
    dir = relative;
  }
  std::string s = dir.lexically_normal().generic_string();
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s.empty() || s == "." ? "" : s + "/";
}

void print_report(const ParsedOptions& options, const std::string& format, const std::string& path,
                  const ValidationReport& report) {
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : report.problems.items()) out.push_back(p.to_json());
    std::cout << out.dump(2) << "\n";
  } else if (format == "github") {
    std::cout << problems_to_github(report.problems, file_prefix(options, path));
  } else if (format == "sarif") {
    std::cout << problems_to_sarif(report.problems, file_prefix(options, path), C4CONFD_VERSION).dump(2) << "\n";
  } else {
    bool quiet = options.flag("quiet");
    for (const auto& p : report.problems.items())
      if (!quiet || p.severity == Problem::Severity::error) std::cout << p.to_text() << "\n";
    size_t errors = report.problems.error_count(), warnings = report.problems.warning_count();
    std::cout << escape_for_text(path, true) << ": " << (report.ok() ? "valid" : "INVALID") << ": " << summary(report) << "; "
              << errors << (errors == 1 ? " error, " : " errors, ") << warnings
              << (warnings == 1 ? " warning" : " warnings") << "\n";
  }
}

int run_validate(const ParsedOptions& options) {
  const auto& args = options.positional();
  std::string format = options.get("output");  // one of the option's choices (parse_options)
  if (args.size() != 1) {
    std::cerr << "c4confd validate: expected one PATH (a directory or a file), got " << args.size()
              << "\nsee c4confd validate --help\n";
    return kExitUsage;
  }
  unsigned threads = 0;
  if (auto t = options.get("threads"); !t.empty()) {
    try {
      threads = static_cast<unsigned>(std::stoul(t));
    } catch (const std::exception&) {
      std::cerr << "c4confd validate: --threads must be a number, not \"" << t << "\"\n";
      return kExitUsage;
    }
  }
  // A pull-request check may run where the secret directories do not exist: paths are then
  // checked as written, `..` resolved.
  auto secrets = read_secret_policy(options, SecretPolicy::Dirs::may_be_missing);
  if (!secrets) {
    std::cerr << "c4confd validate: " << secrets.status().message() << "\n";
    return kExitCannotRun;
  }
  auto schemas = SchemaSet::builtin();
  if (!schemas) {
    std::cerr << "c4confd validate: " << schemas.status().to_string() << "\n";
    return kExitCannotRun;
  }
  auto limits = read_limits(options);
  if (!limits) {
    std::cerr << "c4confd validate: " << limits.status().message() << "\n";
    return kExitCannotRun;
  }
  auto sources = read_manifest_tree(args[0], *limits);
  if (!sources) {
    std::cerr << "c4confd validate: " << sources.status().message() << "\n";
    return kExitCannotRun;
  }
  ValidationReport report = validate_sources(*sources, **schemas, threads, nullptr, *limits, *secrets);
  if (report.ok()) check_projection_size(report.catalog, *limits, report.problems);

  print_report(options, format, args[0], report);
  if (Status s = write_problem_reports(options, report.problems, file_prefix(options, args[0])); !s) {
    std::cerr << "c4confd validate: " << s.message() << "\n";
    return kExitCannotRun;
  }
  return report.ok() ? kExitValid : kExitInvalid;
}

}  // namespace

Command validate_command() {
  std::vector<OptionSpec> options = {
      {"output", "FORMAT", "text (one line per problem, then a summary), json (an array of problems "
                           "with file, line, column, pointer, kind, tenant, name, severity, message, rule), github "
                           "(workflow commands: an annotation per problem on a pull request's file and line) or "
                           "sarif (SARIF 2.1.0 for code scanning, one rule per check).", "text", false, "", false,
       {"text", "json", "github", "sarif"}},
      {"file-prefix", "DIR", "github and sarif output (and their files): the directory, from the repository root, that file names are "
                             "relative to. Default: PATH when relative (its directory for a file), or PATH relative "
                             "to $GITHUB_WORKSPACE.", ""},
      {"quiet", "", "text output: print errors only, not warnings.", ""},
      {"threads", "N", "parse files on N threads (0: one per core).", "0"},
  };
  for (auto& o : problem_report_options()) options.push_back(std::move(o));
  for (auto& o : secret_options()) options.push_back(std::move(o));
  for (auto& o : limit_options()) options.push_back(std::move(o));
  return {{"validate",
           "PATH",
           "Checks every manifest under PATH (a directory or one file) and reports all problems at once,\n"
           "sorted by file and line: YAML syntax, unknown kinds and apiVersions, JSON Schema violations,\n"
           "duplicate objects, dangling and cross-tenant references, regexes RE2 rejects, invalid\n"
           "IPs/CIDRs/ports/hostnames, numbers that are not E.164, numbers claimed by two DIDs, empty\n"
           "routing targets, time windows that can never open, and passwordFrom references the secret policy\n"
           "refuses (--secrets-dir, --secrets-env-prefix: give the server's values).\n"
           "Exit status: 0 valid (warnings allowed), 1 invalid, 2 could not run, 64 usage error.",
           std::move(options),
           "Checks every manifest under PATH and reports all problems at once, with file:line."},
          run_validate};
}

}  // namespace c4::cli
