#include "reconciler/git_plumbing.h"

#include <mutex>

namespace c4 {

// libgit2 is initialised once per process and never shut down: shutting down while another
// thread still holds objects is undefined, and the process lives as long as the service.
Status init_libgit2() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] { rc = git_libgit2_init(); });
  if (rc < 0) return Status::internal("libgit2 initialisation failed");
  return Status::ok();
}

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

}  // namespace c4
