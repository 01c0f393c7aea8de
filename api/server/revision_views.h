// What the reconciler did and what this process serves:
//
//   GET /1.0/revisions        history, newest first: {"items", "total", "next"}; limit, and
//                             offset or the keyset cursor before=<id> (next gives it)
//   GET /1.0/revisions/{id}   one revision, with the errors of a failed one
//   GET /1.0/status           the reconciler status row (store/revision_log.h) plus
//                             this process's snapshot revision and age
//
// They describe the whole repository, so they need Access::fleet. Database errors are 503.
#pragma once

#include <memory>

#include "api/server/revision_watcher.h"
#include "api/server/server.h"
#include "store/connection_pool.h"

namespace c4::api {

void mount_revision_views(Server& server, std::shared_ptr<ConnectionPool> pool,
                          std::shared_ptr<const RevisionWatcher> watcher);

}  // namespace c4::api
