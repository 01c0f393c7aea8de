// One keep-alive HTTP/1.1 connection of the API server, driven by callbacks on the event loop
// (an io_context run by one I/O thread) that owns its socket. Boost.Beast parses the requests
// (request line, headers up to 16 KiB, Content-Length and chunked bodies, pipelining: bytes
// read past one request stay in the buffer for the next); the answers are written by
// append_response() in one write each.
//
// The cycle: read a request (answering "Expect: 100-continue" before its body), hand it to the
// ConnectionHost, wait for answer(), write, then read the next — so pipelined requests are
// answered in order. Unreadable HTTP gets the host's 400 (413 for a body over the limit) and
// the connection closes. Deadlines: read_timeout for a request once begun, keep_alive_timeout
// between requests, write_timeout for an answer; the loop's sweeper (expire_if_late) closes
// connections past their deadline.
//
// Thread-safety: every member runs on the connection's loop thread, except answer(), which any
// thread may call (it posts to the loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/server/http_wire.h"
#include "api/server/server.h"

namespace c4::api {

class HttpConnection;

// A request as read from the wire. The views point into the connection's parser and stay
// valid until the connection's answer() has been called.
struct IncomingRequest {
  std::string_view method, target, authorization;
  std::string body;  // moved out of the parser
  const std::string* peer = nullptr;
  const boost::beast::http::fields* fields = nullptr;
  std::chrono::steady_clock::time_point started;  // when the request was complete
};

// What a connection needs from the server.
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  // Answers `request`: calls connection->answer() exactly once, from any thread.
  virtual void serve(const std::shared_ptr<HttpConnection>& connection, IncomingRequest request) = 0;
  // The JSON answer to a request that could not be read: 413 (body over max_body_bytes) or 400;
  // counted in the metrics and logged like any other answer. `method` may be empty.
  virtual HttpReply refuse(int status, std::string_view method) = 0;
  virtual const ServerOptions& options() const = 0;
  virtual bool stopping() const = 0;
};

// The answer the host gives: the reply and headers of its own (Allow, WWW-Authenticate).
struct Answer {
  HttpReply reply;
  HeaderList headers;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  using Clock = std::chrono::steady_clock;

  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

  HttpConnection(Socket socket, ConnectionHost& host);

  // Starts reading the first request. REQUIRES: called on the socket's loop thread.
  void start();
  // The answer to the request handed to ConnectionHost::serve(); any thread.
  void answer(Answer answer);
  // Closes the connection when it waits for a request it has not begun to receive (a stopping
  // server keeps the others until their answer is written).
  void close_if_idle();
  // Closes the connection when its current deadline has passed (called by the loop's sweeper).
  void expire_if_late(Clock::time_point now);

  boost::asio::io_context::executor_type executor() { return socket_.get_executor(); }

 private:
  void read_request();
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void dispatch();
  void write(const Answer& answer, bool keep_alive);
  void on_write(boost::system::error_code ec, bool keep_alive);
  void fail(boost::system::error_code ec);
  void refuse(int status);
  void linger();
  void close();

  Socket socket_;
  ConnectionHost& host_;
  const ServerOptions& options_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string out_;  // the answer being written; its capacity is reused
  uint64_t served_ = 0;
  bool idle_ = false;     // waiting for the next request
  bool closed_ = false;
  bool refused_ = false;  // the last answer was refuse(): the client may still be sending
  Clock::time_point deadline_ = Clock::time_point::max();
};

}  // namespace c4::api
