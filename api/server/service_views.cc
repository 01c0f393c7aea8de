#include "api/server/service_views.h"

#include "api/server/openapi.h"

namespace c4::api {

void mount_service_views(Server& server, std::shared_ptr<const RevisionWatcher> watcher) {
  // Kamailio's service discovery and Kubernetes probes poll this: answered from memory only
  // (the watcher's mutex is never held across a database call), so on the I/O thread.
  server.mount("GET", "/status", Access::open, [watcher](const ApiRequest&) {
    if (watcher->ready()) return HttpReply{204, "", ""};
    return error_reply(503, "not_ready", "the configuration snapshots have not loaded yet (is PostgreSQL reachable?)",
                       watcher->status_json());
  }, kInlineRoute);
  // On the workers: the text sources other modules register take their own locks.
  Metrics* metrics = &server.metrics();  // owned by the server's shared_ptr for its whole life
  server.mount("GET", "/metrics", Access::open, [metrics](const ApiRequest&) {
    return HttpReply{200, "text/plain; version=0.0.4", metrics->render()};
  });
  server.mount("GET", "/openapi.json", Access::open,
               [](const ApiRequest&) { return HttpReply{200, "application/json", openapi_document()}; }, kInlineRoute);
}

}  // namespace c4::api
