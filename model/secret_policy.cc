#include "model/secret_policy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "model/problem_rules.h"

namespace c4 {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxEnvNameBytes = 255;
constexpr size_t kMaxPathBytes = 4095;
constexpr size_t kMaxShownBytes = 120;

// `text` quoted as a JSON string (control characters escaped), cut when long, for messages
// that echo what a manifest wrote.
std::string shown_text(std::string_view text) {
  bool cut = text.size() > kMaxShownBytes;
  std::string shown = nlohmann::json(std::string(text.substr(0, kMaxShownBytes)))
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return cut ? shown + "…" : shown;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxEnvNameBytes) return false;
  if (std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_own_setting(std::string_view name) {
  return ascii_lower(name.substr(0, kOwnEnvPrefix.size())) == ascii_lower(kOwnEnvPrefix);
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// `p` without a trailing separator ("/a/b/" → "/a/b"), so component counts compare.
fs::path without_trailing_slash(fs::path p) {
  while (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
  return p;
}

// True when `path` is strictly below `dir`, component by component (so /s-evil is not in /s).
bool strictly_inside(const fs::path& path, const fs::path& dir) {
  auto d = dir.begin(), p = path.begin();
  for (; d != dir.end(); ++d, ++p)
    if (p == path.end() || *p != *d) return false;
  return p != path.end();
}

Result<fs::path> canonical_dir(const std::string& given, SecretPolicy::Dirs mode) {
  std::string flag = "--secrets-dir " + shown_text(given);
  if (given.empty()) return Status::invalid("--secrets-dir: an empty directory name");
  std::error_code ec;
  fs::path absolute = fs::absolute(given, ec);
  if (ec) return Status::invalid(flag + ": " + ec.message());
  fs::path dir = fs::canonical(absolute, ec);
  if (ec) {
    if (mode == SecretPolicy::Dirs::must_exist)
      return Status::invalid(flag + ": cannot be resolved (" + ec.message() + "); create it or fix the flag");
    dir = fs::weakly_canonical(absolute, ec);
    if (ec) return Status::invalid(flag + ": " + ec.message());
  } else if (!fs::is_directory(dir, ec)) {
    return Status::invalid(flag + ": not a directory");
  }
  dir = without_trailing_slash(dir);
  if (dir == dir.root_path()) return Status::invalid(flag + ": the root directory would expose every file");
  return dir;
}

// Reads a regular file of at most kMaxSecretFileBytes, without following a final symlink and
// without blocking on a FIFO.
Result<std::string> read_small_file(const fs::path& path, const std::string& shown) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return Status::not_found("secret file " + shown + " does not exist");
    return Status::unavailable("cannot read secret file " + shown + ": " + std::strerror(e));
  }
  struct stat st {};
  std::string text;
  Status status;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    status = Status::invalid("secret file " + shown + " is not a regular file");
  } else if (static_cast<size_t>(st.st_size) > kMaxSecretFileBytes) {
    status = Status::invalid("secret file " + shown + " is larger than " + std::to_string(kMaxSecretFileBytes) + " bytes");
  } else {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() <= kMaxSecretFileBytes) text.append(buf, static_cast<size_t>(n));
    if (n < 0) status = Status::unavailable("cannot read secret file " + shown + ": " + std::strerror(errno));
    if (text.size() > kMaxSecretFileBytes)
      status = Status::invalid("secret file " + shown + " is larger than " + std::to_string(kMaxSecretFileBytes) + " bytes");
  }
  ::close(fd);
  if (!status) return status;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

SecretPolicy::SecretPolicy() : env_prefix_(kDefaultSecretEnvPrefix) {}

Result<SecretPolicy> SecretPolicy::create(const SecretPolicyConfig& config, Dirs dirs) {
  SecretPolicy policy;
  const std::string& prefix = config.env_prefix;
  if (!is_env_name(prefix))
    return Status::invalid("--secrets-env-prefix " + shown_text(prefix) +
                           ": expected the start of a variable name (letters, digits, '_'), e.g. C4_SECRET_");
  if (is_own_setting(prefix))
    return Status::invalid("--secrets-env-prefix " + shown_text(prefix) +
                           ": C4CONFD_ variables are c4confd's own settings and never secrets of a manifest");
  policy.env_prefix_ = prefix;
  for (const auto& given : config.dirs) {
    auto dir = canonical_dir(given, dirs);
    if (!dir) return dir.status();
    if (std::find(policy.dirs_.begin(), policy.dirs_.end(), *dir) == policy.dirs_.end()) policy.dirs_.push_back(*dir);
  }
  for (const auto& file : config.refused_files) {
    if (file.empty()) continue;
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(file, ec), ec);
    if (!ec) policy.refused_files_.push_back(without_trailing_slash(p));
  }
  return policy;
}

std::string SecretPolicy::dir_list() const {
  std::string s;
  for (const auto& d : dirs_) s += (s.empty() ? "" : ", ") + d.string();
  return s;
}

std::string SecretPolicy::describe() const {
  return "env " + env_prefix_ + "*; files " + (dirs_.empty() ? "refused (no --secrets-dir)" : "under " + dir_list());
}

Status SecretPolicy::check_env(const std::string& name) const {
  if (!is_env_name(name))
    return Status::invalid("passwordFrom.env " + shown_text(name) +
                           " is not an environment variable name (letters, digits, '_', at most 255)");
  if (is_own_setting(name))
    return Status::invalid("passwordFrom.env " + shown_text(name) +
                           " is refused: C4CONFD_ variables are c4confd's own settings, never a manifest's secret");
  if (name.compare(0, env_prefix_.size(), env_prefix_) != 0)
    return Status::invalid("passwordFrom.env " + shown_text(name) + " is refused: only variables starting with " +
                           env_prefix_ + " (--secrets-env-prefix) may be read");
  return Status::ok();
}

Result<fs::path> SecretPolicy::check_file(const std::string& path) const {
  std::string shown = "passwordFrom.file " + shown_text(path);
  if (dirs_.empty())
    return Status::invalid(shown + " is refused: no --secrets-dir is configured, so secrets may not come from files");
  if (path.size() > kMaxPathBytes) return Status::invalid(shown + " is refused: longer than 4,095 bytes");
  if (has_control_character(path)) return Status::invalid(shown + " is refused: it holds a control character");
  fs::path p(path);
  if (!p.is_absolute())
    return Status::invalid(shown + " is refused: not an absolute path; write it in full, inside " + dir_list());
  std::error_code ec;
  fs::path resolved = without_trailing_slash(fs::weakly_canonical(p, ec));
  if (ec) return Status::invalid(shown + " is refused: it cannot be resolved (" + ec.message() + ")");
  bool inside = std::any_of(dirs_.begin(), dirs_.end(), [&](const fs::path& d) { return strictly_inside(resolved, d); });
  if (!inside)
    return Status::invalid(shown + " is refused: after `..` and symlinks it is not inside a secrets directory (" +
                           dir_list() + ", --secrets-dir)");
  if (std::find(refused_files_.begin(), refused_files_.end(), resolved) != refused_files_.end())
    return Status::invalid(shown + " is refused: it is one of c4confd's own secret files");
  return resolved;
}

Status SecretPolicy::check(const SecretRef& ref) const {
  switch (ref.source) {
    case SecretRef::Source::none:
    case SecretRef::Source::plain: return Status::ok();
    case SecretRef::Source::env: return check_env(ref.value);
    case SecretRef::Source::file: {
      auto resolved = check_file(ref.value);
      return resolved ? Status::ok() : resolved.status();
    }
  }
  return Status::internal("unknown secret source");
}

Result<std::string> SecretPolicy::read(const SecretRef& ref) const {
  switch (ref.source) {
    case SecretRef::Source::none: return Status::not_found("no secret is configured");
    case SecretRef::Source::plain: return ref.value;
    case SecretRef::Source::env: {
      if (Status s = check_env(ref.value); !s) return s;
      const char* v = std::getenv(ref.value.c_str());
      if (!v) return Status::not_found("environment variable " + ref.value + " is not set");
      return std::string(v);
    }
    case SecretRef::Source::file: {
      auto resolved = check_file(ref.value);
      if (!resolved) return resolved.status();
      return read_small_file(*resolved, shown_text(ref.value));
    }
  }
  return Status::internal("unknown secret source");
}

namespace {

void check_one(const Meta& meta, const SecretRef& ref, const SecretPolicy& policy, Problems& problems) {
  Status s = policy.check(ref);
  if (s) return;
  Problem p;
  p.rule = rules::kSecretPolicy;
  p.file = meta.file;
  p.pos = ref.origin.pos.line ? ref.origin.pos : meta.pos;
  p.pointer = ref.origin.pointer;
  p.object = meta.ref();
  p.message = s.message();
  problems.add(std::move(p));
}

}  // namespace

void check_secret_references(const Catalog& catalog, const SecretPolicy& policy, Problems& problems) {
  for (const auto& t : catalog.all<CarrierTrunk>())
    if (t.registration) check_one(t.meta, t.registration->password, policy, problems);
  for (const auto& x : catalog.all<IPBX>()) check_one(x.meta, x.password, policy, problems);
}

}  // namespace c4
