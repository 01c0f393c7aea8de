#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/limit_options.h"
#include "cli/secret_options.h"
#include "common/escape.h"
#include "model/loader.h"
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

int run_validate(const ParsedOptions& options) {
  const auto& args = options.positional();
  std::string format = options.get("output");
  if (format != "text" && format != "json") {
    std::cerr << "c4confd validate: --output must be text or json, not \"" << format << "\"\n";
    return kExitCannotRun;
  }
  if (args.size() != 1) {
    std::cerr << "c4confd validate: expected one PATH (a directory or a file), got " << args.size()
              << "\nsee c4confd validate --help\n";
    return kExitCannotRun;
  }
  unsigned threads = 0;
  if (auto t = options.get("threads"); !t.empty()) {
    try {
      threads = static_cast<unsigned>(std::stoul(t));
    } catch (const std::exception&) {
      std::cerr << "c4confd validate: --threads must be a number, not \"" << t << "\"\n";
      return kExitCannotRun;
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

  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : report.problems.items()) out.push_back(p.to_json());
    std::cout << out.dump(2) << "\n";
  } else {
    bool quiet = options.flag("quiet");
    for (const auto& p : report.problems.items())
      if (!quiet || p.severity == Problem::Severity::error) std::cout << p.to_text() << "\n";
    size_t errors = report.problems.error_count(), warnings = report.problems.warning_count();
    std::cout << escape_for_text(args[0], true) << ": " << (report.ok() ? "valid" : "INVALID") << ": " << summary(report) << "; "
              << errors << (errors == 1 ? " error, " : " errors, ") << warnings
              << (warnings == 1 ? " warning" : " warnings") << "\n";
  }
  return report.ok() ? kExitValid : kExitInvalid;
}

}  // namespace

Command validate_command() {
  std::vector<OptionSpec> options = {
      {"output", "FORMAT", "text (one line per problem, then a summary) or json (an array of problems "
                           "with file, line, column, pointer, kind, tenant, name, severity, message).", "text"},
      {"quiet", "", "text output: print errors only, not warnings.", ""},
      {"threads", "N", "parse files on N threads (0: one per core).", "0"},
  };
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
           "Exit status: 0 valid (warnings allowed), 1 invalid, 2 could not run.",
           std::move(options)},
          run_validate};
}

}  // namespace c4::cli
