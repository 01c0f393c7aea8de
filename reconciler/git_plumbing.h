// libgit2 plumbing shared by the Git source's files: one-time initialisation, owning pointers
// for libgit2 objects, and libgit2's errors as text. Thread-safe (libgit2's error state is
// per thread).
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace c4 {

// Initialises libgit2 once per process; Status::internal when it cannot be.
Status init_libgit2();

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

// libgit2's message for the last failure on this thread (`rc` names it when libgit2 said nothing).
std::string git_message(int rc);
// The class (GIT_ERROR_NET, …) of the last failure on this thread; GIT_ERROR_NONE if none.
int git_error_class();
// An object id as 40 hex digits.
std::string oid_hex(const git_oid* oid);

}  // namespace c4
