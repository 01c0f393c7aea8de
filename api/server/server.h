// The HTTP server of the API: an event-driven HTTP/1.1 server (Boost.Beast parsing on
// Boost.Asio event loops) with our route table, access control, metrics and access logs on top.
// Handlers are plain functions HttpReply(const ApiRequest&): mounting one is one line, and they
// never see socket or parser types.
//
//   server.mount("GET", "/1.0/carriers/{id}", Access::reader, get_carrier);
//   server.mount("POST", "/1.0/kamailio/routing", Access::kamailio, route_call, kInlineHotRoute);
//
// For every request the server: matches the route (404/405 JSON otherwise, 405 with Allow),
// checks access (401 with WWW-Authenticate / 403, JSON; on a worker when it may wait for
// wazo-auth), answers CORS preflights and adds CORS headers (cors.h), builds the ApiRequest (decoded path and
// query, path parameters, body, peer address, tenant scope), refuses text a database would
// refuse (unreadable_text: 400), calls the handler, catches any exception (500 JSON and an error
// log line — a bug of ours: no input may reach it), writes the reply, counts it in Metrics and
// writes one JSON access log line (method, route pattern, status, µs; debug level for hot
// routes). Bodies over max_body_bytes are refused with 413 JSON before any handler runs;
// unreadable HTTP gets 400 JSON. HEAD is answered like GET, without the body.
//
// Threads. `io_threads` event loops own the connections: a connection never holds a thread
// while it waits for a request, so thousands of keep-alive connections cost no threads. A
// route mounted with RouteFlags::runs_inline is answered on the I/O thread that read the
// request (the Kamailio routing, auth and uacreg answers: microseconds of CPU, no I/O). Every
// other handler may block (PostgreSQL, a CDR group commit), so it runs on a pool of `workers`
// threads and its reply is posted back to the connection's loop; `workers` therefore bounds
// the blocking requests served at once, not the connections. A handler mounted with
// mount_async() does not answer by returning: it hands the request on (to the CDR writer's
// group commit) and returns, and whoever finishes it answers through its Responder from any
// thread, so a request waiting for a commit holds no thread at all.
//
// Connections: HTTP/1.1 keep-alive (up to keep_alive_max_count requests, closed after
// keep_alive_timeout idle), pipelining (answers in request order), chunked request bodies,
// "Expect: 100-continue" (sent by libcurl for POST bodies over 1 KiB), read and write timeouts,
// TCP_NODELAY, a listen backlog of SOMAXCONN.
//
// Thread-safety: mount() only before start()/run(); stop() from any thread (or a signal
// watcher); handlers run concurrently (on the I/O threads and the workers) and must be
// thread-safe. A runs_inline handler must never block: it would stall every connection of its
// I/O thread.
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
#include "api/server/cors.h"
#include "api/server/metrics.h"
#include "api/server/route_table.h"
#include "common/status.h"

namespace c4::api {

using Handler = std::function<HttpReply(const ApiRequest&)>;

// How a handler mounted with mount_async() answers its request, later and from any thread.
// Copyable; the first call answers and later calls are ignored. Should every copy be destroyed
// without a call (a bug of the handler), the request is answered 500 rather than left hanging.
// Server::stop() waits for the requests not answered yet, as for those on a worker.
class Responder {
 public:
  void operator()(HttpReply reply) const;

 private:
  friend class Server;
  struct State;
  explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};
// Called (where RouteFlags say: an I/O thread or a worker) with the request, which it may use
// only until it returns, and the Responder of that request. Must not block when runs_inline.
using AsyncHandler = std::function<void(const ApiRequest&, Responder)>;

struct RouteFlags {
  bool hot = false;  // a Kamailio per-call route: access log at debug level
  // Pure CPU, never blocks (no database, no lock held for long, no waiting on another thread):
  // answered on the I/O thread, without the hop to a worker and back. Default false: safe.
  bool runs_inline = false;
};
inline constexpr RouteFlags kHotRoute{.hot = true};
inline constexpr RouteFlags kInlineRoute{.runs_inline = true};
inline constexpr RouteFlags kInlineHotRoute{.hot = true, .runs_inline = true};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 9600;                  // 0: any free port (see Server::port())
  // Event loops (I/O threads) that own the connections and run the runs_inline handlers.
  // 0: one per core (std::thread::hardware_concurrency()).
  unsigned io_threads = 0;
  // Threads of the pool that runs the handlers that may block (every route not runs_inline):
  // the number of such requests served at once. Connections do not hold one. 0: default_workers().
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
  // Browser origins allowed to read the API (cors.h); none by default.
  CorsPolicy cors;
};

// The default worker count: twice the cores, and at least 32, so that requests waiting on
// PostgreSQL (REST reads, CDR group commits) overlap (see docs/api.md).
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
  // The same for a handler that answers later through its Responder (see AsyncHandler). An
  // exception it throws is answered 500, as for mount().
  void mount_async(std::string method, std::string pattern, Access access, AsyncHandler handler, RouteFlags flags = {});

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
    Handler handler;     // one of the two
    AsyncHandler async;
    RouteFlags flags;
    Metrics::SlotId slot;
  };
  struct Prepared;
  class Engine;
  friend class Engine;
  Prepared prepare(std::string_view method, std::string_view target, std::string body, std::string_view authorization,
                   const std::string& peer, std::function<std::string(std::string_view)> header) const;
  void admit(Prepared& prepared) const;
  void invoke(Prepared& prepared) const;
  void invoke_async(Prepared& prepared, const Responder& responder) const;
  void add_route(std::string method, std::string pattern, Route route);
  void record(const Prepared& prepared, std::string_view method, std::chrono::nanoseconds elapsed) const;

  ServerOptions options_;
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<const AccessControl> access_;
  RouteTable table_;
  std::vector<Route> handlers_;  // parallel to table_.routes()
  std::vector<MountedRoute> mounted_;
  std::unique_ptr<Engine> engine_;  // sockets, loops and threads; made by bind()
  int port_ = 0;
  std::thread thread_;
};

}  // namespace c4::api
