// c4confd import: reads an old wazo-router-confd database and writes a manifest repository.
#include <iostream>

#include "cli/commands.h"
#include "importer/importer.h"
#include "importer/legacy_reader.h"

namespace c4::cli {
namespace {

constexpr int kExitComplete = 0, kExitPartial = 1, kExitCannotRun = 2;

int fail(const std::string& message) {
  std::cerr << "c4confd import: " << message << "\n";
  return kExitCannotRun;
}

int run_import(const ParsedOptions& options) {
  std::string url = options.get("from-database"), out = options.get("out");
  if (url.empty()) return fail("--from-database is required (the old service's PostgreSQL URL)");
  if (out.empty()) return fail("--out is required (a new or empty directory)");
  if (!options.positional().empty()) return fail("unexpected argument \"" + options.positional()[0] + "\"");
  importer::ImportOptions import_options;
  std::string refs = options.get("secret-refs");
  if (refs != "env" && refs != "file") return fail("--secret-refs must be env or file, not \"" + refs + "\"");
  import_options.secrets_as_files = refs == "file";
  import_options.secrets_env_prefix = options.get("secret-refs-prefix");
  import_options.secrets_dir = options.get("secret-refs-dir");
  if (import_options.secrets_dir.empty() || import_options.secrets_dir[0] != '/')
    return fail("--secret-refs-dir must be an absolute path, not \"" + import_options.secrets_dir + "\"");

  auto conn = importer::connect_legacy_database(url);
  if (!conn) return fail(conn.status().message());
  auto data = importer::read_legacy_data(**conn);
  if (!data) return fail(data.status().message());
  importer::ImportReport report;
  auto tree = importer::import_legacy_data(*data, import_options, report);
  if (auto s = importer::validate_tree(tree, import_options); !s) return fail(s.message());
  if (auto s = importer::write_tree(tree, out); !s) return fail(s.message());
  for (const auto& line : report.lines()) std::cerr << line << "\n";
  std::cerr << "c4confd import: " << data->tenants.size() << " tenants, " << data->dids.size() << " DIDs read; "
            << tree.size() << " files written to " << out << "; " << report.count(importer::ImportReport::Severity::unmapped)
            << " rows not carried over, " << report.count(importer::ImportReport::Severity::note)
            << " carried over with a change (IMPORT-REPORT.txt)\n";
  return report.has_unmapped() ? kExitPartial : kExitComplete;
}

}  // namespace

Command import_command() {
  std::vector<OptionSpec> opts = {
      {"from-database", "URL", "the old wazo-router-confd PostgreSQL (postgresql://user:pass@host/db); read only.", ""},
      {"out", "DIR", "where to write the manifest repository: a new or empty directory.", ""},
      {"secret-refs", "MODE", "how imported passwords are referenced: env (passwordFrom {env}) or file ({file}).", "env"},
      {"secret-refs-prefix", "PREFIX", "prefix of the env variables written (the server's --secrets-env-prefix).",
       "C4_SECRET_"},
      {"secret-refs-dir", "DIR", "directory of the files written with --secret-refs file (the server's --secrets-dir).",
       "/etc/c4confd/secrets"},
  };
  return {{"import", "",
           "Reads an old wazo-router-confd database (--from-database) and writes a manifest repository (--out),\n"
           "one folder per tenant, validated before anything is written. Password hashes cannot be carried\n"
           "over: passwordFrom references are written, and the secrets to supply are listed in\n"
           "secrets-required.env (or .txt). What cannot be said in manifests is listed, with its table and\n"
           "id, on stderr and in IMPORT-REPORT.txt. See docs/migration.md.\n"
           "Exit status: 0 everything imported, 1 imported but some rows not carried over (listed), 2 could\n"
           "not run (nothing written).",
           std::move(opts)},
          run_import};
}

}  // namespace c4::cli
