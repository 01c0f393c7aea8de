// One manifest file being written: documents emitted with yaml-cpp's emitter, never by pasting
// strings, so any old value (CR/LF, quotes, '#', "yes", '*alias', non-ASCII) comes out as a
// YAML scalar that reads back as the same string.
#pragma once

#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

namespace c4::importer {

class ManifestFile {
 public:
  // `comment`: lines (our own text, never old data) written as '#' comments at the top.
  explicit ManifestFile(const std::string& comment);

  // Starts a document: apiVersion, kind, metadata (name, tenant unless empty, and the label
  // legacy-id: "<table>/<id>" naming the old row) and opens `spec` as a map.
  YAML::Emitter& begin(const char* kind, const std::string& name, const std::string& tenant, const std::string& legacy_id);
  void end();  // closes spec and the document

  YAML::Emitter& out() { return out_; }
  std::string text() const;
  size_t documents() const { return documents_; }

 private:
  std::string header_;
  YAML::Emitter out_;
  size_t documents_ = 0;
};

// key: "value", always double-quoted (escapes CR, LF, quotes, control bytes).
void put(YAML::Emitter& out, const char* key, const std::string& value);
void put(YAML::Emitter& out, const char* key, int64_t value);
void put_bool(YAML::Emitter& out, const char* key, bool value);

}  // namespace c4::importer
