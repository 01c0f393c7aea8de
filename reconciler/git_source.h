// The Git source of the reconciler: fetches one branch of a remote repository into a local
// bare cache with libgit2 and reads manifest blobs straight from its object store.
//
// A revision is read in two steps: snapshot() lists the manifest files of a commit with
// their blob ids (cheap: trees only), read_files() reads the blobs whose ids are not in the
// caller's cache, so the cost of a reconcile follows the size of the change.
//
// libgit2 errors never leave this module as anything but a Status: `unavailable` for what a
// retry may fix (network, authentication, host key), `invalid` for what it will not (a bad
// URL, a missing branch, rev or sub-path). Secrets (token, passphrase) never appear in
// messages.
//
// Thread-safety: a GitSource must be used by one thread at a time (none of its methods may
// run concurrently, including const ones); distinct GitSource objects may be used from
// different threads, but two must not share a cache_dir. The free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "reconciler/git_url.h"
#include "reconciler/known_hosts.h"
#include "model/yaml_source.h"

namespace c4 {

struct GitSourceConfig {
  // file:///path, /local/path, https://host/repo.git, ssh://git@host[:port]/repo.git or
  // git@host:repo.git (scp form, port 22).
  std::string url;
  std::string branch = "main";
  // A directory inside the repository holding the manifests ("" or "." = the root). Leading
  // and trailing slashes are ignored.
  std::string sub_path;
  // Where the local bare clone lives; created if missing. Must be empty or a bare repository.
  std::filesystem::path cache_dir;
  // HTTPS basic authentication: sent as https_username / https_token when the server asks
  // ("x-access-token" for GitHub tokens, "oauth2" for GitLab). Empty = anonymous.
  std::string https_token;
  std::string https_username = "x-access-token";
  // SSH public-key authentication: the private key file; key + ".pub" is passed as the public
  // key when it exists. The user name is the one in the URL ("git" when there is none).
  std::filesystem::path ssh_key;
  std::string ssh_key_passphrase;
  // When set, the SSH host key must match an entry of this known_hosts file for the URL's host
  // and port, or the fetch is refused. When empty, libgit2 itself checks ~/.ssh/known_hosts
  // and refuses unknown hosts.
  std::filesystem::path ssh_known_hosts;
};

struct CommitInfo {
  std::string id;      // 40 hex digits
  std::string parent;  // first parent's id; "" for a root commit
  std::string author;
  std::string author_email;
  std::string message;  // full message, as committed
  int64_t time = 0;     // committer time, seconds since the epoch
};

struct ManifestBlob {
  std::string path;     // relative to sub_path, forward slashes
  std::string blob_id;  // 40 hex digits
  bool symlink = false;  // a symbolic link (mode 120000): listed, never read or followed
};

struct GitSnapshot {
  CommitInfo commit;
  std::string sub_path;  // normalized sub_path the files are relative to ("" = root)
  // Every manifest file under sub_path (is_manifest_path on the relative path), sorted like
  // read_manifest_tree sorts (std::filesystem::path order). Submodules are not manifests and
  // are skipped; symbolic links with a manifest's name are listed (symlink = true) so they
  // can be reported, as a directory's are.
  std::vector<ManifestBlob> files;
};

class GitSource {
 public:
  // Opens the bare repository in config.cache_dir, creating it (and the directory) if
  // missing. Does not touch the network. Fails with Status::invalid when the URL is not of a
  // supported form, the branch name is not a valid reference name or cache_dir is a non-empty
  // directory that is not a bare repository; Status::unavailable when it cannot be created.
  static Result<std::unique_ptr<GitSource>> open(GitSourceConfig config);

  // A source reading a local repository (a working clone with a .git directory, or a bare
  // one) in place, without a cache: fetch() does nothing and snapshot("") reads its HEAD.
  // Fails with Status::invalid when `repo_path` is not a Git repository.
  static Result<std::unique_ptr<GitSource>> open_local(const std::filesystem::path& repo_path,
                                                       std::string sub_path = "");

  ~GitSource();
  GitSource(const GitSource&) = delete;
  GitSource& operator=(const GitSource&) = delete;

  // Fetches the configured branch (+refs/heads/<branch>:refs/remotes/origin/<branch>, with
  // the tags that point into it) and makes the cache's HEAD point at it. Returns
  // Status::unavailable on network, authentication and host-key errors (libgit2's message),
  // Status::invalid when the URL leads nowhere usable or the remote has no such branch.
  // Blocks until done: libgit2 1.5 has no connect or transfer timeout.
  Status fetch();

  // The commit `rev` resolves to and its manifest files. "" is the fetched branch tip (the
  // local repository's HEAD for open_local); otherwise any revision git understands in this
  // repository: a commit id (or prefix), a tag, "HEAD~1" (HEAD is the fetched branch), or
  // "origin/<branch>". Status::invalid when the rev does not resolve to a commit (including
  // "" before the first successful fetch) or sub_path is missing or not a directory in it.
  Result<GitSnapshot> snapshot(const std::string& rev = "");

  // The content of a blob, straight from the object store. Status::invalid for a malformed id
  // and Status::not_found for an id that is not a blob in the repository.
  Result<std::string> read_blob(const std::string& blob_id);
  // The size in bytes of a blob, from its object header (the content is not inflated).
  // Errors as read_blob.
  Result<uint64_t> blob_size(const std::string& blob_id);

  // The manifest texts of `snap`, in snap.files order. SourceText::path is relative to the
  // repository root (sub_path joined with the file's path), as messages should show it.
  // Blobs whose id is a key of `cache` are taken from it; the others are read and added. On
  // success, `cache` holds exactly the blobs of `snap` (others are dropped); on failure it is
  // left unchanged. Blob sizes are checked against `limits` (decide_reads) from the object
  // headers, before any blob is read: a blob over a limit is listed unread with the error
  // (SourceText::not_read), as is a symbolic link with a warning.
  Result<std::vector<SourceText>> read_files(const GitSnapshot& snap,
                                             std::unordered_map<std::string, std::string>& cache,
                                             const Limits& limits = {});

  // How many blobs this source has read from the object store (read_blob and read_files),
  // to observe that unchanged blobs are not re-read.
  size_t blobs_read() const { return blobs_read_; }

  const GitSourceConfig& config() const { return config_; }

 private:
  struct Repo;
  GitSource(GitSourceConfig config, std::unique_ptr<Repo> repo, bool local);

  GitSourceConfig config_;
  std::unique_ptr<Repo> repo_;
  bool local_ = false;
  size_t blobs_read_ = 0;
};

}  // namespace c4
