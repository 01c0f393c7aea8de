#include "reconciler/git_source.h"

#include <git2.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>

#include "common/text.h"
#include "model/loader.h"

namespace c4 {
namespace fs = std::filesystem;
namespace {

// ---- libgit2 plumbing ---------------------------------------------------------------------

// libgit2 is initialised once per process and never shut down: shutting down while another
// thread still holds objects is undefined, and the process lives as long as the service.
Status init_libgit2() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] { rc = git_libgit2_init(); });
  if (rc < 0) return Status::internal("libgit2 initialisation failed");
  return Status::ok();
}

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepoPtr = GitPtr<git_repository, git_repository_free>;
using RemotePtr = GitPtr<git_remote, git_remote_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;
using TreeEntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using BlobPtr = GitPtr<git_blob, git_blob_free>;
using ReferencePtr = GitPtr<git_reference, git_reference_free>;

// libgit2's message for the last failure on this thread.
std::string git_message(int rc) {
  const git_error* e = git_error_last();
  if (e == nullptr || e->message == nullptr || e->message[0] == '\0') return "libgit2 error " + std::to_string(rc);
  std::string msg = e->message;
  // libgit2 1.5 reports a repository owned by another user as a missing config value.
  if (msg.find("safe.directory") != std::string::npos)
    msg += " (the repository belongs to another user: run as its owner or list it in safe.directory)";
  return msg;
}

int git_error_class() {
  const git_error* e = git_error_last();
  return e != nullptr ? e->klass : GIT_ERROR_NONE;
}

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// A URL without the password of its user info, for messages.
std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto host_start = scheme + 3;
  auto at = url.find('@', host_start);
  auto slash = url.find('/', host_start);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  auto colon = url.find(':', host_start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_ssh_url(std::string_view url) { return !ssh_endpoint(url).host.empty(); }

// The directory a file:// URL or an absolute path names; empty for remote URLs.
fs::path local_path(const std::string& url) {
  if (starts_with(url, "file://")) return fs::path(url.substr(7));
  if (starts_with(url, "/")) return fs::path(url);
  return {};
}

// Accepts the URL forms the header lists (plus git:// and http://); anything else, notably
// relative paths that would depend on the working directory, is refused.
Status check_url(const std::string& url) {
  if (url.empty()) return Status::invalid("Git URL is empty");
  for (char c : url)
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == ' ')
      return Status::invalid("Git URL '" + redact_url(url) + "' contains spaces or control characters");
  for (std::string_view scheme : {"file://", "http://", "https://", "git://"}) {
    if (starts_with(url, scheme)) {
      if (url.size() == scheme.size()) break;
      return Status::ok();
    }
  }
  if (url[0] == '/' || is_ssh_url(url)) return Status::ok();
  return Status::invalid("unsupported Git URL '" + redact_url(url) +
                         "' (expected file://, an absolute path, https://, ssh:// or user@host:path)");
}

// "a//b/./c/" → "a/b/c"; ".." is refused so a sub-path cannot leave the repository.
Result<std::string> normalize_sub_path(const std::string& sub_path) {
  std::string out;
  std::istringstream in(sub_path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return Status::invalid("sub-path '" + sub_path + "' must not contain '..'");
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

Result<std::string> read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- base64, digests ----------------------------------------------------------------------

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string base64_encode_unpadded(const uint8_t* data, size_t n) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(digits[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(digits[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::array<uint8_t, 32> sha256_raw(std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string hmac_sha1_raw(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// ---- known_hosts --------------------------------------------------------------------------


// OpenSSH's pattern matching: '*' any run of characters, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The name a known_hosts file records for host:port.
std::string known_hosts_name(std::string_view host, int port) {
  std::string h = ascii_lower(host);
  if (port <= 0 || port == 22) return h;
  return "[" + h + "]:" + std::to_string(port);
}

// Whether the host field of a known_hosts line ("a,b,!c", or one hashed "|1|salt|hash") names
// `name`.
bool host_field_matches(std::string_view field, const std::string& name) {
  if (starts_with(field, "|1|")) {
    field.remove_prefix(3);
    auto bar = field.find('|');
    if (bar == std::string_view::npos) return false;
    auto salt = base64_decode(field.substr(0, bar));
    auto hash = base64_decode(field.substr(bar + 1));
    return salt && hash && hmac_sha1_raw(*salt, name) == *hash;
  }
  bool matched = false;
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    if (comma == std::string_view::npos) comma = field.size();
    std::string_view pattern = field.substr(start, comma - start);
    start = comma + 1;
    bool negated = !pattern.empty() && pattern[0] == '!';
    if (negated) pattern.remove_prefix(1);
    if (pattern.empty() || !glob_match(ascii_lower(pattern), name)) continue;
    if (negated) return false;  // a negated match vetoes the whole line
    matched = true;
  }
  return matched;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Walks the entries of `text` that apply to host:port; `key_matches` says whether an entry's
// decoded key blob is the presented key.
template <typename KeyMatches>
bool known_hosts_check(std::string_view text, std::string_view host, int port, KeyMatches key_matches) {
  const std::string name = known_hosts_name(host, port);
  bool accepted = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fields = split_fields(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    std::string_view marker;
    if (fields[0][0] == '@') {
      marker = fields[0];
      fields.erase(fields.begin());
    }
    if (fields.size() < 3 || marker == "@cert-authority") continue;
    if (!marker.empty() && marker != "@revoked") continue;  // unknown marker: ignore the line
    if (!host_field_matches(fields[0], name)) continue;
    auto blob = base64_decode(fields[2]);
    if (!blob || !key_matches(*blob)) continue;
    if (marker == "@revoked") return false;
    accepted = true;
  }
  return accepted;
}

// The key type a wire-format key blob starts with ("ssh-ed25519"), or "".
std::string blob_key_type(std::string_view blob) {
  if (blob.size() < 4) return "";
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(blob[i]);
  if (n > blob.size() - 4) return "";
  return std::string(blob.substr(4, n));
}

// Why a key was refused, for the message: libssh2 negotiates the host key type it prefers
// (libgit2 1.5 only steers it from ~/.ssh/known_hosts), so a file listing the host with other
// key types than the one presented is the common case, and worth saying.
std::string refusal_hint(std::string_view text, std::string_view host, int port, const git_cert_hostkey* cert) {
  std::vector<std::string> types;
  known_hosts_check(text, host, port, [&](const std::string& blob) {
    std::string t = blob_key_type(blob);
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    return false;
  });
  if (types.empty()) return "no entry for this host";
  std::string listed;
  for (const auto& t : types) listed += (listed.empty() ? "" : ", ") + t;
  std::string presented = (cert->type & GIT_CERT_SSH_RAW) ? blob_key_type({cert->hostkey, cert->hostkey_len}) : "";
  if (!presented.empty() && std::find(types.begin(), types.end(), presented) == types.end())
    return "the server presented a key of type " + presented + " and the file lists only " + listed +
           " for this host: add every key `ssh-keyscan` shows";
  return "the key differs from the " + listed + " key(s) listed for this host";
}

// The SHA256:… fingerprint ssh-keygen -l shows, for messages.
std::string fingerprint(const git_cert_hostkey* cert) {
  if (cert->type & GIT_CERT_SSH_RAW) {
    auto digest = sha256_raw(std::string_view(cert->hostkey, cert->hostkey_len));
    return "SHA256:" + base64_encode_unpadded(digest.data(), digest.size());
  }
  if (cert->type & GIT_CERT_SSH_SHA256) return "SHA256:" + base64_encode_unpadded(cert->hash_sha256, 32);
  return "(no fingerprint)";
}

// ---- fetch callbacks ----------------------------------------------------------------------

// What the callbacks of one fetch need. Lives on fetch()'s stack.
struct FetchContext {
  const GitSourceConfig* config = nullptr;
  std::string known_hosts_text;  // loaded only when config->ssh_known_hosts is set
  int ssh_port = 22;
  unsigned int tried = 0;  // credential types already handed out once
};

// Hands out each configured credential once: being asked again for the same type means the
// server rejected it, and answering again would loop (libgit2 keeps asking).
int acquire_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed, void* payload) noexcept {
  try {
    auto* ctx = static_cast<FetchContext*>(payload);
    const GitSourceConfig& cfg = *ctx->config;
    const char* ssh_user = username_from_url != nullptr && username_from_url[0] != '\0' ? username_from_url : "git";
    auto offer = [&](unsigned int type, const std::string& refusal) {
      if (ctx->tried & type) {
        git_error_set_str(GIT_ERROR_NET, refusal.c_str());
        return false;
      }
      ctx->tried |= type;
      return true;
    };
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !cfg.ssh_key.empty()) {
      if (!offer(GIT_CREDENTIAL_SSH_KEY, "SSH key " + cfg.ssh_key.string() + " not accepted for user " + ssh_user +
                                             " (not authorized on the server, or wrong passphrase)"))
        return GIT_EAUTH;
      std::string key = cfg.ssh_key.string();
      std::string pub = key + ".pub";
      std::error_code ec;
      bool has_pub = fs::exists(pub, ec);
      return git_credential_ssh_key_new(out, ssh_user, has_pub ? pub.c_str() : nullptr, key.c_str(),
                                        cfg.ssh_key_passphrase.empty() ? nullptr : cfg.ssh_key_passphrase.c_str());
    }
    if ((allowed & GIT_CREDENTIAL_USERNAME)) {
      if (!offer(GIT_CREDENTIAL_USERNAME, std::string("SSH user ") + ssh_user + " rejected")) return GIT_EAUTH;
      return git_credential_username_new(out, ssh_user);
    }
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !cfg.https_token.empty()) {
      if (!offer(GIT_CREDENTIAL_USERPASS_PLAINTEXT, "HTTPS token for user " + cfg.https_username + " rejected"))
        return GIT_EAUTH;
      return git_credential_userpass_plaintext_new(out, cfg.https_username.c_str(), cfg.https_token.c_str());
    }
    git_error_set_str(GIT_ERROR_NET, "the server asks for credentials and none fitting are configured");
    return GIT_EAUTH;
  } catch (...) {
    git_error_set_str(GIT_ERROR_CALLBACK, "credentials callback failed");
    return GIT_EUSER;
  }
}

// With ssh_known_hosts configured, the host key must be in that file (libgit2's own check
// against ~/.ssh/known_hosts, passed in `valid`, is then ignored). Without it, and for TLS
// certificates, libgit2's decision stands.
int check_certificate(git_cert* cert, int /*valid*/, const char* host, void* payload) noexcept {
  try {
    auto* ctx = static_cast<FetchContext*>(payload);
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2 || ctx->config->ssh_known_hosts.empty()) return GIT_PASSTHROUGH;
    const auto* key = reinterpret_cast<const git_cert_hostkey*>(cert);
    std::string_view h = host != nullptr ? host : "";
    bool ok = false;
    if (key->type & GIT_CERT_SSH_RAW) {
      ok = known_hosts_accepts(ctx->known_hosts_text, h, ctx->ssh_port, std::string_view(key->hostkey, key->hostkey_len));
    } else if (key->type & GIT_CERT_SSH_SHA256) {
      std::array<uint8_t, 32> digest{};
      std::copy(std::begin(key->hash_sha256), std::end(key->hash_sha256), digest.begin());
      ok = known_hosts_accepts_sha256(ctx->known_hosts_text, h, ctx->ssh_port, digest);
    }
    if (ok) return 0;
    std::string msg = "host key " + fingerprint(key) + " of " + known_hosts_name(h, ctx->ssh_port) +
                      " is not accepted by " + ctx->config->ssh_known_hosts.string() + " (" +
                      refusal_hint(ctx->known_hosts_text, h, ctx->ssh_port, key) + ")";
    git_error_set_str(GIT_ERROR_SSH, msg.c_str());
    return GIT_ECERTIFICATE;
  } catch (...) {
    git_error_set_str(GIT_ERROR_CALLBACK, "certificate callback failed");
    return GIT_EUSER;
  }
}

// Retryable: the network, the server or our credentials may change; everything else (a URL
// that is not a repository, a malformed refspec) will fail again the same way.
Status fetch_error(int rc, const std::string& url) {
  std::string msg = "fetching " + redact_url(url) + ": " + git_message(rc);
  int klass = git_error_class();
  bool retryable = rc == GIT_EAUTH || rc == GIT_ECERTIFICATE || klass == GIT_ERROR_NET || klass == GIT_ERROR_SSH ||
                   klass == GIT_ERROR_HTTP || klass == GIT_ERROR_SSL || klass == GIT_ERROR_OS;
  return retryable ? Status::unavailable(msg) : Status::invalid(msg);
}

struct WalkState {
  std::vector<ManifestBlob>* files;
};

int collect_manifest(const char* root, const git_tree_entry* entry, void* payload) noexcept {
  try {
    const char* name = git_tree_entry_name(entry);
    git_object_t type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_TREE) return name[0] == '.' ? 1 : 0;  // hidden directories are skipped
    git_filemode_t mode = git_tree_entry_filemode(entry);
    bool symlink = mode == GIT_FILEMODE_LINK;
    if (type != GIT_OBJECT_BLOB || (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE && !symlink))
      return 0;
    std::string rel = std::string(root) + name;
    if (!is_manifest_path(fs::path(rel))) return 0;
    static_cast<WalkState*>(payload)->files->push_back({rel, oid_hex(git_tree_entry_id(entry)), symlink});
    return 0;
  } catch (...) {
    return -1;
  }
}

}  // namespace

// ---- GitSource ----------------------------------------------------------------------------

struct GitSource::Repo {
  RepoPtr repo;
};

GitSource::GitSource(GitSourceConfig config, std::unique_ptr<Repo> repo, bool local)
    : config_(std::move(config)), repo_(std::move(repo)), local_(local) {}

GitSource::~GitSource() = default;

Result<std::unique_ptr<GitSource>> GitSource::open(GitSourceConfig config) {
  if (auto s = init_libgit2(); !s) return s;
  if (auto s = check_url(config.url); !s) return s;
  auto sub = normalize_sub_path(config.sub_path);
  if (!sub) return sub.status();
  int valid = 0;
  std::string tracking = "refs/remotes/origin/" + config.branch;
  if (config.branch.empty() || git_reference_name_is_valid(&valid, tracking.c_str()) < 0 || !valid)
    return Status::invalid("'" + config.branch + "' is not a valid branch name");
  if (config.cache_dir.empty()) return Status::invalid("Git cache_dir is not set");

  const fs::path& dir = config.cache_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::unavailable("creating Git cache " + dir.string() + ": " + ec.message());
  if (fs::exists(dir / ".git", ec))
    return Status::invalid("Git cache " + dir.string() + " is a working repository, not a bare cache");

  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) {
    if (!fs::is_empty(dir, ec))
      return Status::invalid("Git cache " + dir.string() + " is not empty and not a Git repository");
    rc = git_repository_init(&raw, dir.c_str(), /*is_bare=*/1);
    if (rc < 0) return Status::unavailable("creating Git cache " + dir.string() + ": " + git_message(rc));
  } else if (rc < 0) {
    return Status::unavailable("opening Git cache " + dir.string() + ": " + git_message(rc));
  }
  auto repo = std::make_unique<Repo>();
  repo->repo.reset(raw);
  if (!git_repository_is_bare(raw))
    return Status::invalid("Git cache " + dir.string() + " is a working repository, not a bare cache");

  // HEAD names the fetched branch, so "HEAD~1" means what a user expects. The target may not
  // exist yet (before the first fetch): a dangling HEAD is what a fresh repository has anyway.
  git_reference* head = nullptr;
  rc = git_reference_symbolic_create(&head, raw, "HEAD", tracking.c_str(), 1, nullptr);
  if (rc < 0) return Status::unavailable("setting HEAD of Git cache " + dir.string() + ": " + git_message(rc));
  ReferencePtr head_ref(head);

  config.sub_path = std::move(sub.value());
  return std::unique_ptr<GitSource>(new GitSource(std::move(config), std::move(repo), false));
}

Result<std::unique_ptr<GitSource>> GitSource::open_local(const fs::path& repo_path, std::string sub_path) {
  if (auto s = init_libgit2(); !s) return s;
  auto sub = normalize_sub_path(sub_path);
  if (!sub) return sub.status();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc < 0) return Status::invalid(repo_path.string() + " is not a Git repository: " + git_message(rc));
  auto repo = std::make_unique<Repo>();
  repo->repo.reset(raw);
  GitSourceConfig config;
  config.url = repo_path.string();
  config.sub_path = std::move(sub.value());
  return std::unique_ptr<GitSource>(new GitSource(std::move(config), std::move(repo), true));
}

Status GitSource::fetch() {
  if (local_) return Status::ok();
  FetchContext ctx;
  ctx.config = &config_;
  SshEndpoint endpoint = ssh_endpoint(config_.url);
  ctx.ssh_port = endpoint.port;
  if (!endpoint.host.empty() && !config_.ssh_known_hosts.empty()) {
    auto text = read_text_file(config_.ssh_known_hosts);
    if (!text) return text.status().with_context("ssh_known_hosts");
    ctx.known_hosts_text = std::move(text.value());
  }
  std::error_code ec;
  if (!endpoint.host.empty() && !config_.ssh_key.empty() && !fs::is_regular_file(config_.ssh_key, ec))
    return Status::invalid("ssh_key " + config_.ssh_key.string() + ": no such file");
  // libgit2 reports a missing local path as a network error ("unsupported URL protocol").
  if (fs::path dir = local_path(config_.url); !dir.empty() && !fs::exists(dir, ec))
    return Status::invalid("fetching " + config_.url + ": no such directory " + dir.string());

  git_remote* raw = nullptr;
  int rc = git_remote_create_anonymous(&raw, repo_->repo.get(), config_.url.c_str());
  if (rc < 0) return Status::invalid("Git URL '" + redact_url(config_.url) + "': " + git_message(rc));
  RemotePtr remote(raw);

  git_fetch_options opts;
  git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
  opts.callbacks.credentials = acquire_credentials;
  opts.callbacks.certificate_check = check_certificate;
  opts.callbacks.payload = &ctx;
  opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_AUTO;  // tags pointing into the branch
  opts.update_fetchhead = 0;
  opts.proxy_opts.type = GIT_PROXY_AUTO;  // http.proxy / https_proxy, like git

  std::string refspec = "+refs/heads/" + config_.branch + ":refs/remotes/origin/" + config_.branch;
  char* specs[] = {refspec.data()};
  git_strarray refspecs = {specs, 1};
  rc = git_remote_fetch(remote.get(), &refspecs, &opts, "c4confd fetch");
  if (rc < 0) return fetch_error(rc, config_.url);

  // A refspec that matches nothing is not an error for libgit2: check the remote's refs.
  const git_remote_head** heads = nullptr;
  size_t count = 0;
  rc = git_remote_ls(&heads, &count, remote.get());
  if (rc < 0) return fetch_error(rc, config_.url);
  std::string wanted = "refs/heads/" + config_.branch;
  for (size_t i = 0; i < count; ++i)
    if (wanted == heads[i]->name) return Status::ok();
  return Status::invalid("branch '" + config_.branch + "' not found in " + redact_url(config_.url));
}

Result<GitSnapshot> GitSource::snapshot(const std::string& rev) {
  git_repository* repo = repo_->repo.get();
  std::string spec = !rev.empty() ? rev : local_ ? "HEAD" : "refs/remotes/origin/" + config_.branch;
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo, spec.c_str());
  if (rc < 0) {
    if (rev.empty() && !local_)
      return Status::invalid("branch '" + config_.branch + "' has not been fetched from " + redact_url(config_.url));
    return Status::invalid("revision '" + spec + "' not found in " + redact_url(config_.url) + ": " + git_message(rc));
  }
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
  if (rc < 0) return Status::invalid("revision '" + spec + "' is not a commit: " + git_message(rc));
  CommitPtr commit(reinterpret_cast<git_commit*>(peeled));

  GitSnapshot snap;
  snap.sub_path = config_.sub_path;
  CommitInfo& info = snap.commit;
  info.id = oid_hex(git_commit_id(commit.get()));
  if (git_commit_parentcount(commit.get()) > 0) info.parent = oid_hex(git_commit_parent_id(commit.get(), 0));
  const git_signature* author = git_commit_author(commit.get());
  info.author = author->name != nullptr ? author->name : "";
  info.author_email = author->email != nullptr ? author->email : "";
  const char* message = git_commit_message(commit.get());
  info.message = message != nullptr ? message : "";
  info.time = git_commit_time(commit.get());

  git_tree* root_raw = nullptr;
  rc = git_commit_tree(&root_raw, commit.get());
  if (rc < 0) return Status::unavailable("reading tree of commit " + info.id + ": " + git_message(rc));
  TreePtr tree(root_raw);
  if (!config_.sub_path.empty()) {
    git_tree_entry* entry_raw = nullptr;
    rc = git_tree_entry_bypath(&entry_raw, tree.get(), config_.sub_path.c_str());
    if (rc == GIT_ENOTFOUND)
      return Status::invalid("sub-path '" + config_.sub_path + "' not found in commit " + info.id);
    if (rc < 0) return Status::unavailable("looking up sub-path '" + config_.sub_path + "': " + git_message(rc));
    TreeEntryPtr entry(entry_raw);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE)
      return Status::invalid("sub-path '" + config_.sub_path + "' is not a directory in commit " + info.id);
    git_tree* sub_raw = nullptr;
    rc = git_tree_lookup(&sub_raw, repo, git_tree_entry_id(entry.get()));
    if (rc < 0) return Status::unavailable("reading sub-path '" + config_.sub_path + "': " + git_message(rc));
    tree.reset(sub_raw);
  }

  WalkState state{&snap.files};
  rc = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collect_manifest, &state);
  if (rc < 0) return Status::unavailable("listing tree of commit " + info.id + ": " + git_message(rc));
  // Same order as read_manifest_tree, so a directory and its commit load identically.
  std::sort(snap.files.begin(), snap.files.end(),
            [](const ManifestBlob& a, const ManifestBlob& b) { return fs::path(a.path) < fs::path(b.path); });
  return snap;
}

Result<std::string> GitSource::read_blob(const std::string& blob_id) {
  git_oid oid;
  bool hex = blob_id.size() == GIT_OID_HEXSZ &&
             std::all_of(blob_id.begin(), blob_id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (!hex || git_oid_fromstr(&oid, blob_id.c_str()) < 0) return Status::invalid("'" + blob_id + "' is not a blob id");
  git_blob* raw = nullptr;
  int rc = git_blob_lookup(&raw, repo_->repo.get(), &oid);
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return Status::not_found("blob " + blob_id + " not found");
  if (rc < 0) return Status::unavailable("reading blob " + blob_id + ": " + git_message(rc));
  BlobPtr blob(raw);
  ++blobs_read_;
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
}

Result<uint64_t> GitSource::blob_size(const std::string& blob_id) {
  git_oid oid;
  if (git_oid_fromstr(&oid, blob_id.c_str()) < 0) return Status::invalid("'" + blob_id + "' is not a blob id");
  git_odb* odb_raw = nullptr;
  int rc = git_repository_odb(&odb_raw, repo_->repo.get());
  if (rc < 0) return Status::unavailable("opening the object store: " + git_message(rc));
  GitPtr<git_odb, git_odb_free> odb(odb_raw);
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  rc = git_odb_read_header(&size, &type, odb.get(), &oid);
  if (rc == GIT_ENOTFOUND) return Status::not_found("blob " + blob_id + " not found");
  if (rc < 0) return Status::unavailable("reading the header of blob " + blob_id + ": " + git_message(rc));
  return static_cast<uint64_t>(size);
}

Result<std::vector<SourceText>> GitSource::read_files(const GitSnapshot& snap,
                                                      std::unordered_map<std::string, std::string>& cache,
                                                      const Limits& limits) {
  // Sizes first (cached texts know theirs; the others from the object headers), so nothing over
  // a limit is inflated.
  std::vector<uint64_t> sizes;
  sizes.reserve(snap.files.size());
  for (const auto& file : snap.files) {
    if (file.symlink) {
      sizes.push_back(0);
    } else if (auto old = cache.find(file.blob_id); old != cache.end()) {
      sizes.push_back(old->second.size());
    } else {
      auto size = blob_size(file.blob_id);
      if (!size) return size.status().with_context("reading " + file.path + " of commit " + snap.commit.id);
      sizes.push_back(*size);
    }
  }
  auto decisions = decide_reads(sizes, limits);
  std::unordered_map<std::string, std::string> next;
  next.reserve(snap.files.size());
  std::vector<SourceText> out;
  out.reserve(snap.files.size());
  for (size_t i = 0; i < snap.files.size(); ++i) {
    const ManifestBlob& file = snap.files[i];
    if (decisions[i].omitted) break;
    std::string path = snap.sub_path.empty() ? file.path : snap.sub_path + "/" + file.path;
    if (file.symlink || !decisions[i].read) {
      SourceText source;
      source.path = std::move(path);
      source.not_read = file.symlink ? kSymlinkNotFollowed : decisions[i].refused;
      source.not_read_is_error = !file.symlink;
      out.push_back(std::move(source));
      continue;
    }
    auto it = next.find(file.blob_id);
    if (it == next.end()) {
      if (auto old = cache.find(file.blob_id); old != cache.end()) {
        it = next.emplace(file.blob_id, old->second).first;
      } else {
        auto text = read_blob(file.blob_id);
        if (!text) return text.status().with_context("reading " + file.path + " of commit " + snap.commit.id);
        it = next.emplace(file.blob_id, std::move(text.value())).first;
      }
    }
    SourceText source;
    source.path = std::move(path);
    source.text = it->second;
    source.content_id = file.blob_id;
    out.push_back(std::move(source));
  }
  cache = std::move(next);
  return out;
}

// ---- free functions -----------------------------------------------------------------------

bool known_hosts_accepts(std::string_view known_hosts_text, std::string_view host, int port,
                         std::string_view key_blob) {
  if (key_blob.empty()) return false;
  return known_hosts_check(known_hosts_text, host, port,
                           [&](const std::string& blob) { return blob == key_blob; });
}

bool known_hosts_accepts_sha256(std::string_view known_hosts_text, std::string_view host, int port,
                                const std::array<uint8_t, 32>& key_sha256) {
  return known_hosts_check(known_hosts_text, host, port,
                           [&](const std::string& blob) { return sha256_raw(blob) == key_sha256; });
}

SshEndpoint ssh_endpoint(std::string_view url) {
  SshEndpoint out;
  for (std::string_view scheme : {"ssh://", "ssh+git://", "git+ssh://"}) {
    if (!starts_with(url, scheme)) continue;
    std::string_view rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find('/'));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    std::string_view port;
    if (starts_with(rest, "[")) {
      auto close = rest.find(']');
      if (close == std::string_view::npos) return {};
      out.host = std::string(rest.substr(1, close - 1));
      if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else {
      auto colon = rest.find(':');
      out.host = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    }
    if (!port.empty()) {
      int p = 0;
      for (char c : port) {
        if (c < '0' || c > '9' || p > 65535) return {};
        p = p * 10 + (c - '0');
      }
      if (p <= 0 || p > 65535) return {};
      out.port = p;
    }
    return out;
  }
  // scp form: [user@]host:path, where no '/' comes before the ':' (else it is a local path)
  // and a bracketed IPv6 host may hold colons.
  if (url.find("://") != std::string_view::npos) return {};
  size_t colon = std::string_view::npos;
  int depth = 0;
  for (size_t i = 0; i < url.size() && colon == std::string_view::npos; ++i) {
    if (url[i] == '/') return {};
    if (url[i] == '[') ++depth;
    if (url[i] == ']') --depth;
    if (url[i] == ':' && depth == 0) colon = i;
  }
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view host = url.substr(0, colon);
  if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (starts_with(host, "[") && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return {};
  out.host = std::string(host);
  return out;
}

}  // namespace c4
