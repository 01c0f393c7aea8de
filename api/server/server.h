// The HTTP server of the API: cpp-httplib underneath, our route table, access control,
// metrics and access logs on top. Handlers are plain functions HttpReply(const ApiRequest&):
// mounting one is one line, and they never see httplib types.
//
//   server.mount("GET", "/1.0/carriers/{id}", Access::reader, get_carrier);
//   server.mount("POST", "/1.0/kamailio/routing", Access::kamailio, route_call, kHotRoute);
//
// For every request the server: matches the route (404/405 JSON otherwise), checks access
// (401/403 JSON), builds the ApiRequest (decoded query, path parameters, body, peer address,
// tenant scope), calls the handler, catches any exception (500 JSON and an error log line —
// a bug of ours: no input may reach it), writes the reply, counts it in Metrics and writes one
// JSON access log line (method, route pattern, status, µs; debug level for hot routes).
// Bodies over max_body_bytes are refused with 413 JSON before any handler runs.
//
// Thread-safety: mount() only before start()/run(); stop() from any thread (or a signal
// watcher); handlers run concurrently on the worker threads and must be thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/http_reply.h"
#include "api/server/access.h"
#include "api/server/metrics.h"
#include "api/server/route_table.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace c4::api {

using Handler = std::function<HttpReply(const ApiRequest&)>;

struct RouteFlags {
  bool hot = false;  // a Kamailio per-call route: access log at debug level
};
inline constexpr RouteFlags kHotRoute{true};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 9600;                  // 0: any free port (see Server::port())
  // Worker threads. cpp-httplib gives each keep-alive connection a worker for its lifetime, so
  // this is also the number of connections served at once. 0: default_workers().
  unsigned workers = 0;
  size_t max_body_bytes = 1 << 20;  // larger bodies: 413
  // Keep-alive: Kamailio's http_client keeps connections open; each new connection costs a
  // TCP handshake, so many requests per connection, and idle ones kept for a while.
  size_t keep_alive_max_count = 10000;
  std::chrono::seconds keep_alive_timeout{5};
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // Off only to measure what it is worth: with it off, keep-alive clients stall on delayed ACKs.
  bool tcp_nodelay = true;
  // The message of a 405 on `path` (e.g. "configuration is changed through Git: …"); empty
  // function or empty result: a generic message.
  std::function<std::string(std::string_view path)> method_not_allowed_message;
};

// The default worker count: enough for the keep-alive connections of a few Kamailio routers
// (each holds one per worker process) on top of twice the cores (see docs/api.md for the
// measurements behind it).
unsigned default_workers();

struct MountedRoute {
  std::string method, pattern;
  Access access;
  RouteFlags flags;
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<Metrics> metrics, std::shared_ptr<const AccessControl> access);
  ~Server();  // stops the server if it still runs
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Adds a route. Throws std::invalid_argument for a malformed pattern or a method and pattern
  // mounted twice (a programming error found at start-up, never at request time).
  void mount(std::string method, std::string pattern, Access access, Handler handler, RouteFlags flags = {});

  const std::vector<MountedRoute>& routes() const { return mounted_; }
  Metrics& metrics() { return *metrics_; }

  // Binds the listening socket (port 0: a free one). Errors: unavailable when the address
  // cannot be bound.
  Status bind();
  // The bound port (after bind()).
  int port() const { return port_; }
  // Serves until stop(); returns when in-flight requests are finished. REQUIRES: bind() ok.
  void run();
  // bind() then run() on a thread of its own (tests, `c4confd all`).
  Status start();
  // Stops accepting, lets in-flight requests finish (idle keep-alive connections close within
  // keep_alive_timeout), joins the thread start() made. Idempotent.
  void stop();

 private:
  struct Route {
    Access access;
    Handler handler;
    RouteFlags flags;
    Metrics::SlotId slot;
  };
  struct Outcome;
  Outcome handle(const std::string& method, const std::string& path, const std::multimap<std::string, std::string>& query,
                 const std::string& body, const std::string& authorization, const std::string& peer,
                 std::function<std::string(std::string_view)> header);
  void install_httplib_handlers();
  void widen_listen_backlog();

  int listen_socket_ = -1;  // set while binding (see widen_listen_backlog)
  ServerOptions options_;
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<const AccessControl> access_;
  RouteTable table_;
  std::vector<Route> handlers_;  // parallel to table_.routes()
  std::vector<MountedRoute> mounted_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  bool bound_ = false;
  std::thread thread_;
};

}  // namespace c4::api
