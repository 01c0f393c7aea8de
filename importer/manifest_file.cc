#include "importer/manifest_file.h"

namespace c4::importer {

ManifestFile::ManifestFile(const std::string& comment) {
  size_t start = 0;
  while (start < comment.size()) {
    size_t end = comment.find('\n', start);
    if (end == std::string::npos) end = comment.size();
    header_ += "# " + comment.substr(start, end - start) + "\n";
    start = end + 1;
  }
}

YAML::Emitter& ManifestFile::begin(const char* kind, const std::string& name, const std::string& tenant,
                                   const std::string& legacy_id) {
  ++documents_;
  out_ << YAML::BeginDoc << YAML::BeginMap;
  out_ << YAML::Key << "apiVersion" << YAML::Value << "c4confd/v1";
  out_ << YAML::Key << "kind" << YAML::Value << kind;
  out_ << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  put(out_, "name", name);
  if (!tenant.empty()) put(out_, "tenant", tenant);
  out_ << YAML::Key << "labels" << YAML::Value << YAML::Flow << YAML::BeginMap;
  put(out_, "legacy-id", legacy_id);
  out_ << YAML::EndMap << YAML::EndMap;
  out_ << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  return out_;
}

void ManifestFile::end() { out_ << YAML::EndMap << YAML::EndMap; }

std::string ManifestFile::text() const { return header_ + out_.c_str() + "\n"; }

void put(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
}

void put(YAML::Emitter& out, const char* key, int64_t value) { out << YAML::Key << key << YAML::Value << value; }

void put_bool(YAML::Emitter& out, const char* key, bool value) {
  out << YAML::Key << key << YAML::Value << YAML::TrueFalseBool << value;
}

}  // namespace c4::importer
