#include "cli/secret_options.h"

namespace c4::cli {

std::vector<OptionSpec> secret_options() {
  OptionSpec dirs{"secrets-dir", "DIR",
                  "a directory passwordFrom: {file: PATH} may read from: PATH must be absolute and resolve (after "
                  "'..' and symlinks) inside one; repeat the flag or separate directories with ':'. None by default: "
                  "every file reference is refused.", ""};
  dirs.repeatable = true;
  return {
      dirs,
      {"secrets-env-prefix", "PREFIX",
       "passwordFrom: {env: NAME} may read only variables whose NAME starts with PREFIX; C4CONFD_* never.",
       std::string(kDefaultSecretEnvPrefix)},
  };
}

Result<SecretPolicy> read_secret_policy(const ParsedOptions& options, SecretPolicy::Dirs dirs) {
  SecretPolicyConfig config;
  for (const auto& value : options.all("secrets-dir")) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(':', start);
      if (end == std::string::npos) end = value.size();
      if (end > start) config.dirs.push_back(value.substr(start, end - start));
      start = end + 1;
    }
  }
  config.env_prefix = options.get("secrets-env-prefix");
  for (const char* flag : {"admin-token-file", "kamailio-token-file", "webhook-secret-file", "ssh-key",
                           "git-status-token-file"})
    config.refused_files.push_back(options.get(flag));
  return SecretPolicy::create(config, dirs);
}

}  // namespace c4::cli
