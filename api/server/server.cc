#include "api/server/server.h"

#include <atomic>
#include <stdexcept>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/server/http_connection.h"
#include "api/server/query_params.h"
#include "common/log.h"
#include "api/error_vocabulary.h"

namespace c4::api {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

// How often each loop looks for connections past their deadline. Timeouts are in seconds, so a
// tenth of one is precise enough, and one timer per loop costs less than one per read or write.
constexpr auto kSweepInterval = std::chrono::milliseconds(100);
// How long accepting pauses after a failed accept (see accept()).
constexpr auto kAcceptPause = std::chrono::milliseconds(50);

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// X-Auth-Token and Wazo-Tenant are read only on the routes where a token decides the scope.
bool token_headers_matter(Access access) { return access == Access::reader || access == Access::fleet; }

HttpReply internal_error(std::string_view what) {
  return error_reply(500, "internal", "internal error while answering " + std::string(what));
}

}  // namespace

// What a Responder shares: how to deliver the reply (post it to the connection's loop), whether
// it was, and what to call the request in the 500 of a handler that dropped it (views into the
// request and the route table, which `deliver` keeps alive until it is called).
struct Responder::State {
  std::function<void(HttpReply)> deliver;
  std::string_view method, route;
  std::atomic<bool> answered{false};

  ~State() {
    if (answered.load()) return;
    log_event(LogLevel::error, "http.handler_dropped_reply", {{"method", method}, {"route", route}});
    deliver(internal_error(std::string(method) + " " + std::string(route)));
  }
};

void Responder::operator()(HttpReply reply) const {
  if (state_->answered.exchange(true)) return;
  // Moved out, so that what it holds (the request, the loop's work guard) goes with the answer,
  // not with the last copy of the Responder someone may keep.
  auto deliver = std::move(state_->deliver);
  deliver(std::move(reply));
}

unsigned default_workers() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(32u, cores * 2);
}

// A request on its way through the server: either answered already (no route, no access,
// unreadable text) or waiting for its handler.
struct Server::Prepared {
  bool answered = false;
  HttpReply reply;
  HeaderList headers;
  const Route* route = nullptr;                 // when matched
  std::string_view route_name = "unmatched";    // the pattern: lives as long as the table
  ApiRequest request;                           // when !answered
  // Access is decided by admit(): in prepare(), or on a worker when it may wait for wazo-auth.
  bool admitted = false;
  std::string authorization;
};

// The sockets, event loops and threads of a bound server. It is the ConnectionHost of every
// connection: it hands their requests to the Server's route table and handlers.
class Server::Engine final : public ConnectionHost {
 public:
  explicit Engine(Server& server);
  Status bind();
  void run();
  void stop();
  int port() const { return port_; }

  void serve(const std::shared_ptr<HttpConnection>& connection, IncomingRequest request) override;
  void serve_async(const std::shared_ptr<HttpConnection>& connection, Prepared prepared, const IncomingRequest& in);
  HttpReply refuse(int status, std::string_view method) override;
  const ServerOptions& options() const override { return server_.options_; }
  bool stopping() const override { return stopping_.load(std::memory_order_relaxed); }

 private:
  struct Loop {
    net::io_context context{1};
    net::steady_timer sweeper{context};
    std::vector<std::weak_ptr<HttpConnection>> connections;  // touched on this loop's thread only
    std::optional<net::executor_work_guard<net::io_context::executor_type>> keep_running;  // until stop()
  };
  void run_loop(Loop& loop);
  void accept();
  void adopt(Loop& loop, HttpConnection::Socket socket);
  void sweep(Loop& loop);
  void close_idle(Loop& loop);
  void finish(const std::shared_ptr<HttpConnection>& connection, Prepared& prepared, std::string_view method,
              Clock::time_point started);

  Server& server_;
  std::vector<std::unique_ptr<Loop>> loops_;
  net::ip::tcp::acceptor acceptor_;  // on loops_[0]
  net::steady_timer accept_pause_;   // on loops_[0]
  net::thread_pool workers_;
  std::atomic<bool> stopping_{false};
  size_t next_loop_ = 0;  // round-robin; the acceptor's loop only
  int port_ = 0;
};

Server::Engine::Engine(Server& server)
    : server_(server),
      loops_([&] {
        unsigned n = server.options_.io_threads;
        if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
        std::vector<std::unique_ptr<Loop>> loops;
        for (unsigned i = 0; i < n; ++i) loops.push_back(std::make_unique<Loop>());
        return loops;
      }()),
      acceptor_(loops_[0]->context),
      accept_pause_(loops_[0]->context),
      workers_(server.options_.workers) {
  for (auto& loop : loops_) loop->keep_running.emplace(loop->context.get_executor());
}

Status Server::Engine::bind() {
  const ServerOptions& o = server_.options_;
  std::string where = o.host + ":" + std::to_string(o.port);
  error_code ec;
  net::ip::tcp::resolver resolver(loops_[0]->context);
  auto endpoints = resolver.resolve(o.host, std::to_string(o.port), net::ip::tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) return Status::unavailable("cannot listen on " + where + ": " + ec.message());
  net::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  // SOMAXCONN: Kamailio's workers, or a load generator, open dozens of connections at once; a
  // short accept queue makes their first request fail.
  if (!ec) acceptor_.listen(SOMAXCONN, ec);
  if (ec)
    return Status::unavailable("cannot listen on " + where + " (address in use, or not an address of this machine): " +
                               ec.message());
  port_ = acceptor_.local_endpoint().port();
  accept();
  for (auto& loop : loops_) sweep(*loop);
  return Status::ok();
}

// One acceptor hands connections round-robin to the loops: no SO_REUSEPORT (which would let a
// second server bind the same port without an error), and an even spread however few
// connections there are.
void Server::Engine::accept() {
  Loop& loop = *loops_[next_loop_++ % loops_.size()];
  acceptor_.async_accept(loop.context, [this, &loop](error_code ec, HttpConnection::Socket socket) {
    if (!ec && !stopping()) net::post(loop.context, [this, &loop, s = std::move(socket)]() mutable { adopt(loop, std::move(s)); });
    if (stopping() || !acceptor_.is_open()) return;
    if (!ec) return accept();
    // Out of descriptors (EMFILE) or another error that the next accept would meet at once: a
    // pause instead of a busy loop, while the sweeper frees descriptors of expired connections.
    log_event(LogLevel::warn, "http.accept_failed", {{"error", ec.message()}});
    accept_pause_.expires_after(kAcceptPause);
    accept_pause_.async_wait([this](error_code) {
      if (!stopping() && acceptor_.is_open()) accept();
    });
  });
}

void Server::Engine::adopt(Loop& loop, HttpConnection::Socket socket) {
  if (stopping()) return;  // the socket closes with it
  auto connection = std::make_shared<HttpConnection>(std::move(socket), *this);
  loop.connections.push_back(connection);
  connection->start();
}

void Server::Engine::sweep(Loop& loop) {
  auto now = Clock::now();
  std::erase_if(loop.connections, [now](const std::weak_ptr<HttpConnection>& weak) {
    auto connection = weak.lock();
    if (connection) connection->expire_if_late(now);
    return !connection;
  });
  if (stopping()) {
    close_idle(loop);
    if (loop.connections.empty()) return;  // nothing left to time out: let the loop end
  }
  loop.sweeper.expires_after(kSweepInterval);
  loop.sweeper.async_wait([this, &loop](error_code ec) {
    if (!ec || !loop.connections.empty()) sweep(loop);
  });
}

void Server::Engine::close_idle(Loop& loop) {
  for (auto& weak : loop.connections)
    if (auto connection = weak.lock()) connection->close_if_idle();
}

// Runs one loop until it has no more work. Handlers catch what they expect; anything else (say
// std::bad_alloc while writing an answer) is logged and the loop goes on: it holds every other
// connection of its thread.
void Server::Engine::run_loop(Loop& loop) {
  for (;;) {
    try {
      loop.context.run();
      return;
    } catch (const std::exception& e) {
      log_event(LogLevel::error, "http.loop_exception", {{"what", e.what()}});
    }
  }
}

void Server::Engine::run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < loops_.size(); ++i) threads.emplace_back([this, i] { run_loop(*loops_[i]); });
  run_loop(*loops_[0]);
  for (auto& t : threads) t.join();
}

void Server::Engine::stop() {
  if (stopping_.exchange(true)) return;
  net::post(loops_[0]->context, [this] {
    error_code ignored;
    acceptor_.close(ignored);
    accept_pause_.cancel();
  });
  for (auto& loop : loops_) {
    Loop* l = loop.get();
    net::post(l->context, [this, l] {
      close_idle(*l);
      l->sweeper.cancel();  // it ends once the last connection is gone
    });
    l->keep_running.reset();
  }
}

void Server::Engine::serve(const std::shared_ptr<HttpConnection>& connection, IncomingRequest in) {
  Prepared prepared;
  try {
    const auto* fields = in.fields;
    prepared = server_.prepare(in.method, in.target, std::move(in.body), in.authorization, *in.peer,
                               [fields](std::string_view name) {
                                 auto it = fields->find(boost::beast::string_view(name.data(), name.size()));
                                 return it == fields->end() ? std::string() : std::string(it->value().data(), it->value().size());
                               });
  } catch (const std::exception& e) {  // e.g. std::bad_alloc building the request
    log_event(LogLevel::error, "http.dispatch_exception", {{"method", in.method}, {"target", in.target}, {"what", e.what()}});
    prepared.answered = true;
    prepared.reply = internal_error(in.method);
  }
  if (!prepared.answered && prepared.route->async) return serve_async(connection, std::move(prepared), in);
  if (prepared.answered || (prepared.route->flags.runs_inline && prepared.admitted)) {
    if (!prepared.answered) server_.invoke(prepared);
    return finish(connection, prepared, in.method, in.started);
  }
  // The loop must not end while the reply is on its way back to it.
  auto guard = net::make_work_guard(connection->executor());
  net::post(workers_, [this, connection, prepared = std::move(prepared), method = in.method, started = in.started,
                       guard = std::move(guard)]() mutable {
    if (!prepared.admitted) server_.admit(prepared);
    if (!prepared.answered) server_.invoke(prepared);
    finish(connection, prepared, method, started);
  });
}

// The request stays with its Responder (which keeps the loop alive) until someone answers it;
// the handler runs where the route's flags say and returns without waiting.
void Server::Engine::serve_async(const std::shared_ptr<HttpConnection>& connection, Prepared prepared,
                                 const IncomingRequest& in) {
  auto shared = std::make_shared<Prepared>(std::move(prepared));
  auto guard = std::make_shared<net::executor_work_guard<net::io_context::executor_type>>(connection->executor());
  auto state = std::make_shared<Responder::State>();
  state->method = shared->request.method;
  state->route = shared->route_name;
  state->deliver = [this, connection, shared, guard, method = in.method, started = in.started](HttpReply reply) {
    shared->reply = std::move(reply);
    shared->answered = true;
    finish(connection, *shared, method, started);
  };
  Responder responder(std::move(state));
  if (shared->route->flags.runs_inline && shared->admitted) return server_.invoke_async(*shared, responder);
  net::post(workers_, [this, shared, responder]() {
    if (!shared->admitted) server_.admit(*shared);
    if (shared->answered) return responder(std::move(shared->reply));
    server_.invoke_async(*shared, responder);
  });
}

void Server::Engine::finish(const std::shared_ptr<HttpConnection>& connection, Prepared& prepared,
                            std::string_view method, Clock::time_point started) {
  server_.record(prepared, method, Clock::now() - started);
  connection->answer(Answer{std::move(prepared.reply), std::move(prepared.headers)});
}

HttpReply Server::Engine::refuse(int status, std::string_view method) {
  const ServerOptions& o = server_.options_;
  Prepared refused;
  refused.reply = status == 413 ? error_reply(413, "body_too_large",
                                              "the request body is larger than the limit of " +
                                                  std::to_string(o.max_body_bytes) + " bytes (--max-body-bytes)",
                                              {{"limit", o.max_body_bytes}})
                                : invalid_input_reply("request", "request",
                                                    "the request could not be read as HTTP (status " + std::to_string(status) + ")");
  server_.record(refused, method.empty() ? "OTHER" : method, std::chrono::nanoseconds(0));
  return std::move(refused.reply);
}

Server::Server(ServerOptions options, std::shared_ptr<Metrics> metrics, std::shared_ptr<const AccessControl> access)
    : options_(std::move(options)), metrics_(std::move(metrics)), access_(std::move(access)) {
  if (options_.workers == 0) options_.workers = default_workers();
  if (options_.io_threads == 0) options_.io_threads = std::max(1u, std::thread::hardware_concurrency());
}

Server::~Server() {
  stop();
  engine_.reset();  // before the routes its connections may still reference
}

void Server::mount(std::string method, std::string pattern, Access access, Handler handler, RouteFlags flags) {
  add_route(std::move(method), std::move(pattern), Route{access, std::move(handler), {}, flags, {}});
}

void Server::mount_async(std::string method, std::string pattern, Access access, AsyncHandler handler,
                         RouteFlags flags) {
  add_route(std::move(method), std::move(pattern), Route{access, {}, std::move(handler), flags, {}});
}

void Server::add_route(std::string method, std::string pattern, Route route) {
  bool ok = false;
  size_t index = table_.add(method, pattern, ok);
  if (!ok) throw std::invalid_argument("cannot mount " + method + " " + pattern + ": malformed or mounted twice");
  if (index != handlers_.size()) throw std::logic_error("route table out of step");
  route.slot = metrics_->add_route(pattern, method);
  mounted_.push_back(MountedRoute{std::move(method), std::move(pattern), route.access, route.flags});
  handlers_.push_back(std::move(route));
}

Server::Prepared Server::prepare(std::string_view method, std::string_view target, std::string body,
                                 std::string_view authorization, const std::string& peer,
                                 std::function<std::string(std::string_view)> header) const {
  Prepared out;
  out.answered = true;
  std::string origin = options_.cors.enabled() && header ? header("Origin") : "";
  std::string path = percent_decode_path(target.substr(0, target.find('?')));
  RouteMatch match = table_.match(method, path);
  if (match.kind == RouteMatch::Kind::not_found) {
    out.reply = error_reply(404, "not_found", "no such path: " + path + " (GET /openapi.json lists every path)");
    options_.cors.add_headers(origin, out.headers);
    return out;
  }
  if (match.kind == RouteMatch::Kind::method_not_allowed) {
    if (method == "OPTIONS" && options_.cors.enabled() && header && !header("Access-Control-Request-Method").empty()) {
      out.reply = options_.cors.preflight(origin, match.allowed_methods, out.headers);
      return out;
    }
    std::string message = options_.method_not_allowed_message ? options_.method_not_allowed_message(path) : "";
    if (message.empty())
      message = std::string(method) + " is not allowed on " + path + "; allowed: " + joined(match.allowed_methods);
    out.reply = error_reply(405, "method_not_allowed", message, {{"allowed", match.allowed_methods}});
    out.headers.emplace_back("Allow", joined(match.allowed_methods));
    options_.cors.add_headers(origin, out.headers);
    return out;
  }
  options_.cors.add_headers(origin, out.headers);
  out.route = &handlers_[match.index];
  out.route_name = table_.routes()[match.index].pattern;
  out.authorization = std::string(authorization);
  ApiRequest& request = out.request;
  request.method = method;
  request.path = std::move(path);
  if (target.find('?') != std::string_view::npos) request.query = parse_query_string(target);
  request.path_params = std::move(match.path_params);
  request.body = std::move(body);
  request.remote_addr = peer;
  request.header = std::move(header);
  out.answered = false;
  std::string x_auth_token = token_headers_matter(out.route->access) && request.header ? request.header("X-Auth-Token") : "";
  if (!access_->may_block(out.route->access, Credentials{out.authorization, x_auth_token, {}})) admit(out);
  return out;
}

// Decides access (401 with WWW-Authenticate, 403, 503 when wazo-auth is down) and refuses
// text a database would refuse; may wait for wazo-auth (see may_block).
void Server::admit(Prepared& prepared) const {
  prepared.admitted = true;
  // The Kamailio hot path does not pay for two header look-ups it never uses.
  bool matter = token_headers_matter(prepared.route->access) && prepared.request.header;
  std::string x_auth_token = matter ? prepared.request.header("X-Auth-Token") : "";
  std::string wazo_tenant = matter ? prepared.request.header("Wazo-Tenant") : "";
  AccessDecision decision = access_->decide(prepared.route->access, Credentials{prepared.authorization, x_auth_token, wazo_tenant},
                                            prepared.request.remote_addr);
  if (!decision.allowed) {
    prepared.answered = true;
    prepared.reply = std::move(decision.denial);
    if (prepared.reply.status == 401) prepared.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"c4confd\"");
    return;
  }
  prepared.request.scope = std::move(decision.scope);
  if (auto unreadable = unreadable_text(prepared.request)) {
    prepared.answered = true;
    prepared.reply = std::move(*unreadable);
  }
}

// Runs `call` (the route's handler); an exception, a bug of ours (no input may reach one), is
// logged and answered 500 through `fail`.
template <class Call, class Fail>
static void guarded(const std::string& method, std::string_view route, Call&& call, Fail&& fail) {
  std::string what;
  try {
    return call();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown";
  }
  log_event(LogLevel::error, "http.handler_exception", {{"method", method}, {"route", route}, {"what", what}});
  fail(internal_error(method + " " + std::string(route)));
}

void Server::invoke(Prepared& prepared) const {
  guarded(
      prepared.request.method, prepared.route_name,
      [&] { prepared.reply = prepared.route->handler(prepared.request); },
      [&](HttpReply error) { prepared.reply = std::move(error); });
  prepared.answered = true;
}

void Server::invoke_async(Prepared& prepared, const Responder& responder) const {
  guarded(
      prepared.request.method, prepared.route_name, [&] { prepared.route->async(prepared.request, responder); },
      [&](HttpReply error) { responder(std::move(error)); });
}

void Server::record(const Prepared& prepared, std::string_view method, std::chrono::nanoseconds elapsed) const {
  int status = prepared.reply.status;
  metrics_->record(prepared.route ? prepared.route->slot : metrics_->unmatched(method), status, elapsed);
  LogLevel level = prepared.route && prepared.route->flags.hot ? LogLevel::debug : LogLevel::info;
  if (log_enabled(level))  // the Kamailio routes are not worth a JSON object each when unlogged
    log_event(level, "http.request",
              {{"method", method}, {"route", prepared.route_name}, {"status", status},
               {"us", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()}});
}

Status Server::bind() {
  if (engine_) return Status::ok();
  auto engine = std::make_unique<Engine>(*this);
  if (auto s = engine->bind(); !s) return s;
  engine_ = std::move(engine);
  port_ = engine_->port();
  return Status::ok();
}

void Server::run() {
  log_event(LogLevel::info, "http.listening",
            {{"host", options_.host}, {"port", port_}, {"io_threads", options_.io_threads}, {"workers", options_.workers}});
  engine_->run();
  log_event(LogLevel::info, "http.stopped", {{"host", options_.host}, {"port", port_}});
}

Status Server::start() {
  if (auto s = bind(); !s) return s;
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void Server::stop() {
  if (engine_) engine_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace c4::api
