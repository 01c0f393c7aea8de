#include "reconciler/git_source.h"

#include <git2.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/url.h"
#include "model/loader.h"
#include "reconciler/git_fetch_callbacks.h"
#include "reconciler/git_plumbing.h"
#include "reconciler/git_url.h"

namespace c4 {
namespace fs = std::filesystem;
namespace {

Result<std::string> read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

}  // namespace c4
