#include "importer/import_context.h"

namespace c4::importer {

ManifestFile& ImportContext::file(const std::string& path, const std::string& comment) {
  auto& slot = files[path];
  if (!slot) slot = std::make_unique<ManifestFile>(comment);
  return *slot;
}

}  // namespace c4::importer
