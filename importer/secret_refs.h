// The passwordFrom references an import writes in place of the old password hashes, and the
// list of secrets the operator must supply for them.
//
// The old columns hold one-way PBKDF2 hashes: the secrets cannot be recovered, so every one
// becomes a reference (docs/security.md: env variables with the operator's prefix, or files
// under a --secrets-dir) and a line of the secrets-required file written beside the manifests.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace c4::importer {

class SecretRefs {
 public:
  enum class Mode { env, file };
  // `prefix`: the env prefix (C4_SECRET_); `dir`: the secrets directory of file references.
  SecretRefs(Mode mode, std::string prefix, std::string dir);

  // Writes `passwordFrom: {env: NAME}` or `{file: DIR/NAME}` into the open map of `out` for
  // the secret of object `name` (kind `kind`, tenant `tenant`), and lists it with `what`.
  void write_ref(YAML::Emitter& out, const std::string& tenant, const std::string& kind, const std::string& name,
                 const std::string& what);

  size_t count() const { return lines_.size(); }
  // "secrets-required.env" (env mode) or "secrets-required.txt" (file mode).
  std::string file_name() const;
  // env mode: a commented "NAME=" line per secret, for an env file (docker --env-file,
  // kubectl create secret --from-env-file) once filled; file mode: one path per secret.
  std::string file_text() const;

 private:
  Mode mode_;
  std::string prefix_, dir_;
  std::set<std::string> taken_;
  std::vector<std::pair<std::string, std::string>> lines_;  // reference, what
};

}  // namespace c4::importer
