// The open endpoints every process serves: GET /status (readiness: 204 once every snapshot
// has loaded, 503 JSON before), GET /metrics (Prometheus text) and GET /openapi.json.
#pragma once

#include <memory>

#include "api/server/revision_watcher.h"
#include "api/server/server.h"

namespace c4::api {

void mount_service_views(Server& server, std::shared_ptr<const RevisionWatcher> watcher);

}  // namespace c4::api
