// Fuzzes the API server on the wire: the input is what a client sends on one TCP connection
// (any number of pipelined requests), to a real api::Server on 127.0.0.1 — Boost.Beast's
// parser with our limits (api/server/http_connection.cc), Expect: 100-continue, route
// matching, access control, query and path decoding, the unreadable-text check, and the
// answers written by append_response() (api/server/http_wire.cc). The client half-closes after
// sending and reads until the server closes. Properties, besides no crash and no sanitizer
// report:
//   - the server answers and closes within 5 s (no hang, no lost connection);
//   - what it writes is a sequence of complete HTTP/1.1 responses, each with a status the
//     server may give for bad input (never 500: an exception reached the server), ending at a
//     response boundary; every body of a JSON answer is JSON.
#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "api/server/server.h"
#include "common/log.h"
#include "fuzz_check.h"

namespace c4::fuzz {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// What the test routes answer: the parts of the request the server decoded.
api::HttpReply echo(const api::ApiRequest& r) {
  json query = json::array();
  for (const auto& [name, value] : r.query) query.push_back({name, value});
  return api::json_reply(200, {{"method", r.method}, {"path", r.path}, {"query", query},
                               {"params", r.path_params}, {"body_bytes", r.body.size()}});
}

// A server with routes of each kind: open and inline, tenant-scoped with a path parameter, on
// the worker pool, and a Kamailio route (token only: no trusted network).
api::Server& server() {
  static api::Server* instance = [] {
    set_min_log_level(LogLevel::warn);  // no access log lines: libFuzzer's output stays readable
    api::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 1;
    o.workers = 2;
    o.max_body_bytes = 2048;  // within reach of fuzzed inputs: 413 gets exercised
    o.read_timeout = std::chrono::seconds(2);
    o.keep_alive_timeout = std::chrono::seconds(2);
    api::AccessConfig access;
    access.admin_token = "fuzz-admin-token";
    access.kamailio_token = "fuzz-kamailio-token";
    auto tokens = std::make_shared<api::SnapshotHolder<api::AccessSnapshot>>();
    auto* s = new api::Server(o, std::make_shared<api::Metrics>("fuzz"),
                              std::make_shared<api::AccessControl>(access, tokens));
    s->mount("GET", "/echo", api::Access::open, echo, api::kInlineRoute);
    s->mount("POST", "/echo", api::Access::open, echo, api::kInlineRoute);
    s->mount("GET", "/1.0/items/{id}", api::Access::reader, echo, api::kInlineRoute);
    s->mount("DELETE", "/1.0/items/{id}/parts/{part}", api::Access::fleet, echo);
    s->mount("POST", "/1.0/kamailio/routing", api::Access::kamailio, echo, api::kInlineHotRoute);
    if (!s->start().is_ok()) {
      std::fprintf(stderr, "fuzz: the server does not start\n");
      std::exit(2);
    }
    return s;  // never destroyed: the fuzzer exits without stopping it
  }();
  return *instance;
}

struct Received {
  std::string bytes;
  // The server closed with bytes of ours unread, so the kernel sent a reset, which may have
  // destroyed the end of what it wrote (see HttpConnection::linger()).
  bool reset = false;
};

// Sends `bytes` on a new connection, half-closes, and returns all the server wrote until it
// closed. Fails the property when it neither closes nor answers within 5 s.
Received exchange(std::string_view bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  FUZZ_CHECK(fd >= 0, "socket() failed");
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(server().port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // A connect that fails for want of a local port or a backlog slot (the rest of a CI run
  // opens and closes connections by the thousand beside this one) is retried for up to 5 s: it
  // says nothing of the server. A server that stops accepting still fails here, with the reason.
  int connected = -1, error = 0;
  for (int attempt = 0; attempt < 500 && connected != 0; ++attempt) {
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    error = connected == 0 ? 0 : errno;
    if (connected != 0 && error != EADDRNOTAVAIL && error != ECONNREFUSED && error != EAGAIN && error != EINTR) break;
    if (connected != 0) {
      ::close(fd);
      fd = ::socket(AF_INET, SOCK_STREAM, 0);
      FUZZ_CHECK(fd >= 0, "socket() failed");
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::usleep(10'000);
    }
  }
  FUZZ_CHECK(connected == 0, std::string("connect() failed: ") + std::strerror(error));
  // The server may refuse and close before it has read everything (a body over the limit):
  // a failed send is not a finding.
  for (size_t sent = 0; sent < bytes.size();) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  Received received;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      received.bytes.append(buffer, static_cast<size_t>(n));
      continue;
    }
    FUZZ_CHECK(n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK), "the server neither answered nor closed within 5 s");
    received.reset = n < 0;
    break;
  }
  ::close(fd);
  return received;
}

bool expected_status(unsigned status) {
  for (unsigned s : {100u, 200u, 400u, 401u, 403u, 404u, 405u, 413u})
    if (status == s) return true;
  return false;
}

// Checks the answers as a client reads them. A HEAD answer has Content-Length but no body, so
// a stream that may hold one is only checked up to its first answer's status line. After a
// reset, the last answer may be cut short.
void check_answers(const Received& received, bool may_hold_head) {
  std::string_view stream = received.bytes;
  while (!stream.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.skip(may_hold_head);
    boost::system::error_code ec;
    size_t used = parser.put(boost::asio::buffer(stream.data(), stream.size()), ec);
    if (received.reset && (ec == http::error::need_more || (!ec && !parser.is_done()))) return;
    FUZZ_CHECK(!ec && parser.is_done(), "an answer that does not parse as HTTP: " + std::string(stream.substr(0, 200)));
    const auto& message = parser.get();
    FUZZ_CHECK(expected_status(message.result_int()), "answered " + std::to_string(message.result_int()));
    if (may_hold_head) return;
    if (message[http::field::content_type] == "application/json")
      FUZZ_CHECK(json::accept(message.body()), "a JSON answer whose body is not JSON: " + message.body());
    stream.remove_prefix(used);
  }
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  std::string_view bytes = fuzz::text_of(data, size);
  auto answers = fuzz::exchange(bytes);
  fuzz::check_answers(answers, bytes.find("HEAD") != std::string_view::npos);
  return 0;
}
