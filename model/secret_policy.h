// Where secrets may come from: the operator's rule for the `passwordFrom` references of
// manifests.
//
// A manifest is untrusted input (any tenant who may open a pull request writes one), so a
// reference is honoured only when the operator allowed it:
//   {env: NAME}   NAME is a plain variable name (letters, digits, '_', not starting with a
//                 digit, at most 255 bytes) that starts with the operator's prefix
//                 (--secrets-env-prefix, default C4_SECRET_) and never with C4CONFD_ (in any
//                 case): c4confd's own settings are never a secret a manifest may read, even
//                 when the prefix is made to cover them.
//   {file: PATH}  PATH is absolute (a relative path would mean a different file for `validate`
//                 in CI and for the server), has no control character, is at most 4,095 bytes,
//                 and resolves (`..` and every symlink followed) strictly inside one of the
//                 operator's directories (--secrets-dir; none by default, so every file
//                 reference is refused). A symlink that stays inside a directory is fine (the
//                 `..data` links of a Kubernetes Secret volume); one that leaves it is not. The
//                 files c4confd itself was given (tokens, keys) are refused even inside one.
// A plain `password` is not a reference: it is allowed here (validation warns about it).
//
// read() enforces the same rules before it reads anything: the variable, or the file, which
// must be a regular file of at most 64 KiB (a FIFO or a device is refused, never waited on),
// opened without following a final symlink; trailing CR/LF are stripped.
//
// Thread-safety: a SecretPolicy is immutable once created; any thread may use it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/catalog.h"

namespace c4 {

inline constexpr std::string_view kDefaultSecretEnvPrefix = "C4_SECRET_";
// Variables of c4confd's own configuration: never readable through a manifest.
inline constexpr std::string_view kOwnEnvPrefix = "C4CONFD_";
// Largest secret file read (a SIP password is a few dozen bytes).
inline constexpr size_t kMaxSecretFileBytes = 64 * 1024;

struct SecretPolicyConfig {
  std::vector<std::string> dirs;                             // --secrets-dir, as given
  std::string env_prefix = std::string(kDefaultSecretEnvPrefix);  // --secrets-env-prefix
  std::vector<std::string> refused_files;                    // c4confd's own secret files
};

class SecretPolicy {
 public:
  // Whether the directories must exist on this machine: yes for the commands that read
  // secrets (serve, all, reconcile, apply, route); `validate` and `plan` in a pull-request
  // check may run where they do not, and then check paths as written, `..` resolved.
  enum class Dirs { must_exist, may_be_missing };

  // The default policy: no directory (every file reference refused), prefix C4_SECRET_.
  SecretPolicy();

  // Checks and canonicalises the configuration (realpath of each directory, so a directory
  // that is itself a symlink works). invalid, naming the flag: an empty or malformed prefix,
  // a prefix starting with C4CONFD_, an empty directory, "/" as a directory, a directory that
  // is missing or not a directory (when `dirs` is must_exist).
  static Result<SecretPolicy> create(const SecretPolicyConfig& config, Dirs dirs);

  // ok when `ref` may be read (plain and none are always ok); else invalid with a message
  // that says why and what is allowed. Reads nothing; the file need not exist.
  Status check(const SecretRef& ref) const;

  // The secret's text, after check(). invalid when refused, not_found when the variable is
  // unset or the file missing, unavailable when the file cannot be read. Messages never hold
  // the secret.
  Result<std::string> read(const SecretRef& ref) const;

  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }
  const std::string& env_prefix() const { return env_prefix_; }
  // One line for logs and --help-like messages: "env C4_SECRET_*; files under /a, /b".
  std::string describe() const;

 private:
  Status check_env(const std::string& name) const;
  Result<std::filesystem::path> check_file(const std::string& path) const;
  std::string dir_list() const;

  std::vector<std::filesystem::path> dirs_;  // canonical
  std::string env_prefix_;
  std::vector<std::filesystem::path> refused_files_;  // canonical
};

// Reports, as errors at the reference's file:line and JSON pointer, every secret reference of
// `catalog` (trunk registrations, IPBXs) that `policy` refuses.
void check_secret_references(const Catalog& catalog, const SecretPolicy& policy, Problems& problems);

}  // namespace c4
