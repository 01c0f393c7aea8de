#include "api/server/http_connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

namespace c4::api {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;

// Request line and headers; what Kamailio and curl send is far below (httplib allowed 8 KiB).
constexpr uint32_t kHeaderLimit = 16 * 1024;
// How long a refused connection is drained before it closes (see linger()).
constexpr auto kLinger = std::chrono::seconds(2);

std::string_view view(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool expects_continue(const http::request<http::string_body>& message) {
  auto it = message.find(http::field::expect);
  return it != message.end() && boost::beast::iequals(it->value(), "100-continue");
}

// A malformed message, as opposed to a connection that ended or failed.
bool is_protocol_error(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

}  // namespace

HttpConnection::HttpConnection(Socket socket, ConnectionHost& host)
    : socket_(std::move(socket)), host_(host), options_(host.options()) {
  error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string();
  if (options_.tcp_nodelay) socket_.set_option(net::ip::tcp::no_delay(true), ec);
}

void HttpConnection::start() { read_request(); }

void HttpConnection::read_request() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(options_.max_body_bytes);
  // Between requests the keep-alive timeout applies; a pipelined request already buffered, or
  // the first one of a connection, gets the read timeout.
  idle_ = buffer_.size() == 0;
  deadline_ = Clock::now() + (idle_ && served_ > 0 ? options_.keep_alive_timeout : options_.read_timeout);
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](error_code ec, size_t) { self->on_header(ec); });
}

void HttpConnection::on_header(error_code ec) {
  idle_ = false;
  if (ec) return fail(ec);
  deadline_ = Clock::now() + options_.read_timeout;
  if (parser_->is_done()) return dispatch();
  if (!expects_continue(parser_->get())) return read_body();
  // curl (Kamailio's http_client) waits for this before sending a body over 1 KiB.
  net::async_write(socket_, net::buffer(kContinueResponse.data(), kContinueResponse.size()),
                   [self = shared_from_this()](error_code ec, size_t) {
                     if (ec) return self->fail(ec);
                     self->read_body();
                   });
}

void HttpConnection::read_body() {
  http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) { self->on_body(ec); });
}

void HttpConnection::on_body(error_code ec) {
  if (ec) return fail(ec);
  dispatch();
}

void HttpConnection::dispatch() {
  ++served_;
  deadline_ = Clock::time_point::max();  // a handler takes the time it takes; stop() waits for it
  auto& message = parser_->get();
  IncomingRequest request;
  request.method = view(message.method_string());
  request.target = view(message.target());
  request.authorization = view(message[http::field::authorization]);
  request.body = std::move(message.body());
  request.peer = &peer_;
  request.fields = &message.base();
  request.started = Clock::now();
  host_.serve(shared_from_this(), std::move(request));
}

void HttpConnection::answer(Answer answer) {
  // On the loop thread (inline handlers) this writes at once; from a worker it is posted.
  net::dispatch(socket_.get_executor(), [self = shared_from_this(), answer = std::move(answer)] {
    auto& message = self->parser_->get();
    bool keep_alive = message.keep_alive() && self->served_ < self->options_.keep_alive_max_count && !self->host_.stopping();
    self->write(answer, keep_alive);
  });
}

void HttpConnection::write(const Answer& answer, bool keep_alive) {
  const auto& message = parser_->get();
  out_.clear();
  append_response(out_, answer.reply, answer.headers,
                  ResponseFraming{message.method() == http::verb::head, keep_alive, message.version() == 10});
  deadline_ = Clock::now() + options_.write_timeout;
  net::async_write(socket_, net::buffer(out_), [self = shared_from_this(), keep_alive](error_code ec, size_t) {
    self->on_write(ec, keep_alive);
  });
}

void HttpConnection::on_write(error_code ec, bool keep_alive) {
  if (ec) return close();
  if (!keep_alive) {
    socket_.shutdown(Socket::shutdown_send, ec);
    // Bytes of the client not read yet (a refused body, pipelined requests) need the linger;
    // otherwise the close is clean at once, which keeps a stopping server quick.
    if (refused_ || buffer_.size() > 0) return linger();
    return close();
  }
  read_request();
}

void HttpConnection::fail(error_code ec) {
  if (closed_ || !is_protocol_error(ec)) return close();
  refuse(ec == http::error::body_limit ? 413 : 400);
}

void HttpConnection::refuse(int status) {
  refused_ = true;
  // The method is known once the request line is read, even when a header came out wrong.
  std::string_view method = parser_ ? view(parser_->get().method_string()) : std::string_view();
  Answer refusal{host_.refuse(status, method), {}};
  out_.clear();
  append_response(out_, refusal.reply, refusal.headers, ResponseFraming{false, false, false});
  deadline_ = Clock::now() + options_.write_timeout;
  net::async_write(socket_, net::buffer(out_), [self = shared_from_this()](error_code ec, size_t) {
    self->on_write(ec, false);
  });
}

// Closing a socket with unread bytes makes the kernel send a reset, which can destroy the answer
// before the client has read it (a client that sent a body over the limit). So after the last
// answer the connection only half-closes, and reads and drops what the client still sends, until
// it closes its side or kLinger has passed.
void HttpConnection::linger() {
  if (closed_) return;
  deadline_ = std::min(deadline_, Clock::now() + kLinger);
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](error_code ec, size_t) {
    if (ec) return self->close();
    self->linger();
  });
}

void HttpConnection::close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.close(ignored);
}

void HttpConnection::close_if_idle() {
  if (idle_ && buffer_.size() == 0 && parser_ && !parser_->got_some()) close();
}

void HttpConnection::expire_if_late(Clock::time_point now) {
  if (now > deadline_) close();
}

}  // namespace c4::api
