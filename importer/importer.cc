#include "importer/importer.h"

#include <unistd.h>

#include <fstream>

#include "importer/import_context.h"
#include "model/schema_set.h"
#include "model/secret_policy.h"
#include "model/validate.h"

namespace c4::importer {

ManifestTree import_legacy_data(const LegacyData& data, const ImportOptions& options, ImportReport& report) {
  ImportContext ctx(data, options, report);
  map_tenants(ctx);
  map_domains_and_carriers(ctx);
  scan_number_style(ctx);
  map_profiles(ctx);
  map_trunks(ctx);
  name_ipbxs(ctx);
  plan_routing_groups(ctx);
  map_ipbxs(ctx);
  map_routing(ctx);
  map_dids(ctx);
  if (data.cdr_count > 0)
    report.table_note("cdrs", std::to_string(data.cdr_count) +
                                  " call records not imported: call history, not configuration (see docs/migration.md)");
  ManifestTree tree;
  for (const auto& [path, file] : ctx.files) tree[path] = file->text();
  if (ctx.secrets.count() > 0) tree[ctx.secrets.file_name()] = ctx.secrets.file_text();
  std::string lines = "# c4confd import: what was not carried over (unmapped) or changed on purpose (note).\n";
  for (const auto& line : report.lines()) lines += line + "\n";
  tree["IMPORT-REPORT.txt"] = lines;
  return tree;
}

Status validate_tree(const ManifestTree& tree, const ImportOptions& options) {
  std::vector<SourceText> sources;
  for (const auto& [path, text] : tree)
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0) sources.push_back({path, text, "", "", true});
  auto schemas = SchemaSet::builtin();
  if (!schemas) return schemas.status();
  SecretPolicyConfig config;
  config.env_prefix = options.secrets_env_prefix;
  if (options.secrets_as_files) config.dirs.push_back(options.secrets_dir);
  auto policy = SecretPolicy::create(config, SecretPolicy::Dirs::may_be_missing);
  if (!policy) return policy.status();
  auto report = validate_sources(sources, **schemas, 0, nullptr, Limits{}, *policy);
  if (report.ok()) return Status::ok();
  std::string problems;
  for (const auto& p : report.problems.items())
    if (p.severity == Problem::Severity::error) problems += "\n" + p.to_text();
  return Status::internal("the imported manifests do not validate (an importer bug; nothing written):" + problems);
}

namespace {

Status write_files(const ManifestTree& tree, const std::filesystem::path& root) {
  for (const auto& [path, text] : tree) {
    auto target = root / path;
    std::filesystem::create_directories(target.parent_path());
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) return Status::unavailable("writing " + target.string() + " failed");
  }
  return Status::ok();
}

}  // namespace

Status write_tree(const ManifestTree& tree, const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target = fs::absolute(out, ec);
  if (ec || target.filename().empty()) target = fs::absolute(out.parent_path(), ec);
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) return Status::invalid("--out " + out.string() + " exists and is not a directory");
    if (!fs::is_empty(target, ec)) return Status::invalid("--out " + out.string() + " is not empty: give a new or empty directory");
  }
  fs::path parent = target.parent_path();
  fs::create_directories(parent, ec);
  if (ec) return Status::unavailable("cannot create " + parent.string() + ": " + ec.message());
  // Beside the target, so the final rename stays on one file system and is atomic.
  fs::path temp = parent / ("." + target.filename().string() + ".import-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  Status written;
  try {
    fs::create_directory(temp);
    written = write_files(tree, temp);
    if (written) fs::rename(temp, target);  // replaces an empty directory
  } catch (const std::exception& e) {
    written = Status::unavailable(std::string("writing the manifests: ") + e.what());
  }
  if (!written) fs::remove_all(temp, ec);
  return written;
}

}  // namespace c4::importer
