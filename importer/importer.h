// `c4confd import`: an old wazo-router-confd database → a manifest repository.
//
// The output has the layout of examples/: tenants/<tenant>/{tenant,domains,ipbxs,
// normalization}.yaml, carriers/<carrier>.yaml (the carrier and its trunks), routing/<group>.yaml
// and dids/<ipbx>.yaml, plus the secrets-required file at the root. Every object carries the
// label legacy-id: "<old table>/<old id>".
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "common/status.h"
#include "importer/import_report.h"
#include "importer/legacy_rows.h"

namespace c4::importer {

struct ImportOptions {
  bool secrets_as_files = false;            // passwordFrom {file} instead of {env}
  std::string secrets_env_prefix = "C4_SECRET_";
  std::string secrets_dir = "/etc/c4confd/secrets";
};

// The files of an import: path relative to the output root → content.
using ManifestTree = std::map<std::string, std::string>;

// Maps `data` to manifests. Never fails: what cannot be said in manifests is left out and
// entered in `report` with its table and id; references to a row left out are left out too
// (and reported). Deterministic: the same data gives the same bytes.
ManifestTree import_legacy_data(const LegacyData& data, const ImportOptions& options, ImportReport& report);

// Checks `tree` as `c4confd validate` would (the built-in schemas, references, overlaps; a
// file secret reference is checked against `options.secrets_dir`). invalid with the problems,
// one per line, when it is not valid: a bug of the mapping, never written out.
Status validate_tree(const ManifestTree& tree, const ImportOptions& options);

// Writes `tree` under `out`, which must not exist or be an empty directory: into a temporary
// directory beside it, then renamed into place, so `out` is never left half written. invalid
// when `out` is not empty or not a directory; unavailable when writing fails (the temporary
// directory is removed).
Status write_tree(const ManifestTree& tree, const std::filesystem::path& out);

}  // namespace c4::importer
