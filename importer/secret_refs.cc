#include "importer/secret_refs.h"

#include "importer/names.h"

namespace c4::importer {

SecretRefs::SecretRefs(Mode mode, std::string prefix, std::string dir)
    : mode_(mode), prefix_(std::move(prefix)), dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

void SecretRefs::write_ref(YAML::Emitter& out, const std::string& tenant, const std::string& kind,
                           const std::string& name, const std::string& what) {
  std::string base = mode_ == Mode::env ? env_name(prefix_, {tenant, kind, name, "password"})
                                        : dir_ + "/" + tenant + "." + kind + "." + name + ".password";
  std::string ref = base;
  for (int n = 2; !taken_.insert(ref).second; ++n) ref = base + "_" + std::to_string(n);
  out << YAML::Key << "passwordFrom" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << (mode_ == Mode::env ? "env" : "file") << YAML::Value << YAML::DoubleQuoted << ref;
  out << YAML::EndMap;
  lines_.emplace_back(ref, what);
}

std::string SecretRefs::file_name() const {
  return mode_ == Mode::env ? "secrets-required.env" : "secrets-required.txt";
}

std::string SecretRefs::file_text() const {
  std::string out =
      "# Secrets the imported manifests refer to (passwordFrom). The old database held only one-way\n"
      "# hashes of them, so they must be supplied again. Never commit this file once filled in.\n";
  out += mode_ == Mode::env ? "# Fill in each value; give the file to c4confd as environment variables.\n"
                            : "# Create each file (the secret, one trailing newline allowed), readable by c4confd only.\n";
  for (const auto& [ref, what] : lines_) {
    out += "\n# " + what + "\n";
    out += mode_ == Mode::env ? ref + "=\n" : ref + "\n";
  }
  return out;
}

}  // namespace c4::importer
