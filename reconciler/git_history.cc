#include "reconciler/git_history.h"

#include <memory>

#include <git2.h>

namespace c4 {
namespace {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, GitFree<T, Free>>;

std::string last_git_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

Result<git_oid> resolve_commit(git_repository* repo, const std::string& rev) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, rev.c_str()) < 0)
    return Status::invalid("commit " + rev + " is not on the branch (not found: " + last_git_error() + ")");
  Owned<git_object, git_object_free> object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0)
    return Status::invalid("revision " + rev + " is not a commit: " + last_git_error());
  Owned<git_object, git_object_free> commit(peeled);
  return *git_object_id(commit.get());
}

}  // namespace

Result<std::vector<std::string>> commits_after(const std::filesystem::path& repository, const std::string& base,
                                               const std::string& tip, size_t max, size_t* total) {
  git_libgit2_init();  // reference-counted: balanced below
  struct Shutdown {
    ~Shutdown() { git_libgit2_shutdown(); }
  } shutdown;
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, repository.c_str()) < 0)
    return Status::unavailable("opening Git repository " + repository.string() + ": " + last_git_error());
  Owned<git_repository, git_repository_free> repo(raw);
  auto base_id = resolve_commit(repo.get(), base);
  if (!base_id) return base_id.status();
  auto tip_id = resolve_commit(repo.get(), tip);
  if (!tip_id) return tip_id.status();
  if (!git_oid_equal(&*base_id, &*tip_id) && git_graph_descendant_of(repo.get(), &*tip_id, &*base_id) != 1)
    return Status::invalid("commit " + base + " is not on the branch (not an ancestor of " + tip + ")");
  git_revwalk* walk_raw = nullptr;
  if (git_revwalk_new(&walk_raw, repo.get()) < 0) return Status::internal("walking history: " + last_git_error());
  Owned<git_revwalk, git_revwalk_free> walk(walk_raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL);
  if (git_revwalk_push(walk.get(), &*tip_id) < 0 || git_revwalk_hide(walk.get(), &*base_id) < 0)
    return Status::internal("walking history from " + tip + ": " + last_git_error());
  std::vector<std::string> out;
  size_t count = 0;
  git_oid oid;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    ++count;
    if (out.size() < max) out.push_back(git_oid_tostr_s(&oid));
  }
  if (total) *total = count;
  return out;
}

}  // namespace c4
