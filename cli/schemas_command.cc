// c4confd schemas export DIR: the JSON Schemas this binary validates with, for editors and
// linters in a manifest repository (docs/pull-requests.md, "Editors").
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_files.h"
#include "model/schema_set.h"

namespace c4::cli {
namespace {

namespace fs = std::filesystem;

// Stable ids: they name the manifest format version (apiVersion c4confd/v1), not the binary's,
// so an editor's settings keep working across upgrades. Relative $refs ("common.json#/…")
// resolve against them to the sibling file.
constexpr const char* kDefaultBase = "https://schemas.c4confd.example/v1/";

// `schema` with "$id" right after "$schema", the other members in the order of the file.
std::string with_id(const std::string& text, const std::string& id) {
  auto schema = nlohmann::ordered_json::parse(text);
  nlohmann::ordered_json out;
  if (schema.contains("$schema")) out["$schema"] = schema["$schema"];
  out["$id"] = id;
  for (auto& [key, value] : schema.items())
    if (key != "$schema" && key != "$id") out[key] = value;
  return out.dump(2) + "\n";
}

int run_schemas(const ParsedOptions& options) {
  const auto& args = options.positional();
  if (args.size() != 2 || args[0] != "export") {
    std::cerr << "c4confd schemas: expected \"export DIR\" (see c4confd schemas --help)\n";
    return kExitUsage;
  }
  std::string base = options.get("base-url");
  if (base.empty() || base.back() != '/') base += "/";
  fs::path dir(args[1]);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    std::cerr << "c4confd schemas: " << dir.string() << ": cannot create the directory\n";
    return 1;
  }
  for (const auto& [name, text] : embedded_schemas()) {
    if (Status s = write_file_whole((dir / name).string(), with_id(text, base + name)); !s) {
      std::cerr << "c4confd schemas: " << s.message() << "\n";
      return 1;
    }
    std::cout << (dir / name).string() << "  $id " << base + name << "\n";
  }
  return 0;
}

}  // namespace

Command schemas_command() {
  return {{"schemas", "export DIR",
           "Writes the JSON Schemas of the manifests (one per kind, common.json, and manifest.json for any document)\n"
           "into DIR, each with a stable $id (--base-url + file name), for editors and linters of a manifest\n"
           "repository: e.g. '# yaml-language-server: $schema=schemas/manifest.json'. Files are replaced whole.\n"
           "Exit status: 0 written, 1 could not write.",
           {{"base-url", "URL", "the URL the $ids start with (where the files are published).", kDefaultBase}},
           "Writes the manifests' JSON Schemas, with stable $ids, into a directory for editors."},
          run_schemas};
}

}  // namespace c4::cli
