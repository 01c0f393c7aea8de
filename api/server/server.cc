#include "api/server/server.h"

#include <stdexcept>

#include <sys/socket.h>

#include <httplib.h>

#include "api/server/query_params.h"
#include "common/log.h"

namespace c4::api {
namespace {

using Clock = std::chrono::steady_clock;

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void write_reply(httplib::Response& res, const HttpReply& reply) {
  res.status = reply.status;
  if (reply.status == 204 || reply.status == 304) return;
  res.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

unsigned default_workers() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(32u, cores * 2);
}

struct Server::Outcome {
  HttpReply reply;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = "unmatched";
  std::optional<Metrics::SlotId> slot;  // nullopt: unmatched
  bool hot = false;
};

Server::Server(ServerOptions options, std::shared_ptr<Metrics> metrics, std::shared_ptr<const AccessControl> access)
    : options_(std::move(options)), metrics_(std::move(metrics)), access_(std::move(access)),
      http_(std::make_unique<httplib::Server>()) {
  if (options_.workers == 0) options_.workers = default_workers();
  install_httplib_handlers();
}

Server::~Server() { stop(); }

void Server::mount(std::string method, std::string pattern, Access access, Handler handler, RouteFlags flags) {
  bool ok = false;
  size_t index = table_.add(method, pattern, ok);
  if (!ok) throw std::invalid_argument("cannot mount " + method + " " + pattern + ": malformed or mounted twice");
  if (index != handlers_.size()) throw std::logic_error("route table out of step");
  handlers_.push_back(Route{access, std::move(handler), flags, metrics_->add_route(pattern, method)});
  mounted_.push_back(MountedRoute{std::move(method), std::move(pattern), access, flags});
}

Server::Outcome Server::handle(const std::string& method, const std::string& path,
                               const std::multimap<std::string, std::string>& query, const std::string& body,
                               const std::string& authorization, const std::string& peer,
                               std::function<std::string(std::string_view)> header) {
  Outcome out;
  RouteMatch match = table_.match(method, path);
  if (match.kind == RouteMatch::Kind::not_found) {
    out.reply = error_reply(404, "not_found", "no such path: " + path + " (GET /openapi.json lists every path)");
    return out;
  }
  if (match.kind == RouteMatch::Kind::method_not_allowed) {
    std::string message = options_.method_not_allowed_message ? options_.method_not_allowed_message(path) : "";
    if (message.empty()) message = method + " is not allowed on " + path + "; allowed: " + joined(match.allowed_methods);
    out.reply = error_reply(405, "method_not_allowed", message, {{"allowed", match.allowed_methods}});
    out.headers.emplace_back("Allow", joined(match.allowed_methods));
    return out;
  }
  const Route& route = handlers_[match.index];
  out.route = table_.routes()[match.index].pattern;
  out.slot = route.slot;
  out.hot = route.flags.hot;

  AccessDecision decision = access_->decide(route.access, authorization, peer);
  if (!decision.allowed) {
    out.reply = std::move(decision.denial);
    if (out.reply.status == 401) out.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"c4confd\"");
    return out;
  }
  ApiRequest request;
  request.method = method;
  request.path = path;
  request.query = query;
  request.path_params = std::move(match.path_params);
  request.body = body;
  request.remote_addr = peer;
  request.header = std::move(header);
  request.scope = std::move(decision.scope);
  if (auto unreadable = unreadable_text(request)) {
    out.reply = std::move(*unreadable);
    return out;
  }
  try {
    out.reply = route.handler(request);
  } catch (const std::exception& e) {
    log_event(LogLevel::error, "http.handler_exception", {{"method", method}, {"route", out.route}, {"what", e.what()}});
    out.reply = error_reply(500, "internal", "internal error while answering " + method + " " + out.route);
  } catch (...) {
    log_event(LogLevel::error, "http.handler_exception", {{"method", method}, {"route", out.route}, {"what", "unknown"}});
    out.reply = error_reply(500, "internal", "internal error while answering " + method + " " + out.route);
  }
  return out;
}

void Server::install_httplib_handlers() {
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    auto started = Clock::now();
    Outcome out;
    try {
      out = handle(req.method, req.path, parse_query_string(req.target), req.body, req.get_header_value("Authorization"), req.remote_addr,
                   [&req](std::string_view name) { return req.get_header_value(std::string(name).c_str()); });
    } catch (const std::exception& e) {  // e.g. std::bad_alloc building the request
      log_event(LogLevel::error, "http.dispatch_exception", {{"method", req.method}, {"path", req.path}, {"what", e.what()}});
      out.reply = error_reply(500, "internal", "internal error");
    }
    write_reply(res, out.reply);
    for (const auto& [name, value] : out.headers) res.set_header(name.c_str(), value);
    auto elapsed = Clock::now() - started;
    metrics_->record(out.slot ? *out.slot : metrics_->unmatched(req.method), out.reply.status, elapsed);
    LogLevel level = out.hot ? LogLevel::debug : LogLevel::info;
    if (log_enabled(level))  // the Kamailio routes are not worth a JSON object each when unlogged
      log_event(level, "http.request",
                {{"method", req.method}, {"route", out.route}, {"status", out.reply.status},
                 {"us", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()}});
  };
  const std::string any = ".*";
  http_->Get(any, serve);
  http_->Post(any, serve);
  http_->Put(any, serve);
  http_->Patch(any, serve);
  http_->Delete(any, serve);
  http_->Options(any, serve);

  // Errors httplib answers by itself (bad request line, body over the limit): JSON like ours.
  // Replies our handlers made already have a body and are left alone.
  httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    HttpReply reply;
    if (res.status == 413) {
      reply = error_reply(413, "body_too_large",
                          "the request body is larger than the limit of " + std::to_string(options_.max_body_bytes) +
                              " bytes (--max-body-bytes)",
                          {{"limit", options_.max_body_bytes}});
    } else {
      bool not_found = res.status == 404;  // a method no route table entry can have (TRACE, CONNECT)
      reply = error_reply(res.status, not_found ? "not_found" : "bad_request",
                          not_found ? req.method + " " + req.path + " is not served here"
                                    : "the request could not be read as HTTP (status " + std::to_string(res.status) + ")");
    }
    write_reply(res, reply);
    metrics_->record(metrics_->unmatched(req.method), res.status, std::chrono::nanoseconds(0));
    log_event(LogLevel::info, "http.request", {{"method", req.method}, {"route", "unmatched"}, {"status", res.status}, {"us", 0}});
    return httplib::Server::HandlerResponse::Handled;
  };
  http_->set_error_handler(std::move(on_error));
  http_->set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    log_event(LogLevel::error, "http.exception", {{"method", req.method}, {"path", req.path}});
    write_reply(res, error_reply(500, "internal", "internal error"));
  });

  http_->set_tcp_nodelay(options_.tcp_nodelay);
  http_->set_keep_alive_max_count(options_.keep_alive_max_count);
  http_->set_keep_alive_timeout(options_.keep_alive_timeout.count());
  http_->set_read_timeout(options_.read_timeout.count(), 0);
  http_->set_write_timeout(options_.write_timeout.count(), 0);
  http_->set_payload_max_length(options_.max_body_bytes);
  unsigned workers = options_.workers;
  http_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // Remember the listening socket (this callback sees it before bind) to widen its backlog.
  http_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_socket_ = sock;
  });
}

// Debian's compiled cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG is baked
// into the library). When Kamailio's workers, or a load generator, open dozens of connections at
// once, the kernel's accept queue overflows and those connections see their first request fail
// ("Read" errors, measured with 64 concurrent callers). Linux lets listen() be called again on
// a listening socket to change its backlog, so it is raised to the system maximum after bind.
void Server::widen_listen_backlog() {
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
}

Status Server::bind() {
  if (bound_) return Status::ok();
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ <= 0) return Status::unavailable("cannot listen on " + options_.host + ": no port could be bound");
  } else {
    if (!http_->bind_to_port(options_.host, options_.port))
      return Status::unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                                 " (address in use, or not an address of this machine)");
    port_ = options_.port;
  }
  widen_listen_backlog();
  bound_ = true;
  return Status::ok();
}

void Server::run() {
  log_event(LogLevel::info, "http.listening", {{"host", options_.host}, {"port", port_}, {"workers", options_.workers}});
  http_->listen_after_bind();
  log_event(LogLevel::info, "http.stopped", {{"host", options_.host}, {"port", port_}});
}

Status Server::start() {
  if (auto s = bind(); !s) return s;
  thread_ = std::thread([this] { run(); });
  // listen_after_bind() sets is_running only once it loops; wait so stop() cannot come first.
  for (int i = 0; i < 2000 && !http_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::ok();
}

void Server::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace c4::api
