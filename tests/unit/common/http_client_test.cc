// c4confd's HTTP client of its calls out (common/http_client.h): URLs split and their secrets
// kept out of errors, requests as a real server receives them, and every failure bounded in
// time and told apart (refused, silent, too big, not TLS), with nothing sent for a header that
// would change the request's shape.
#include "common/http_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <doctest/doctest.h>
#include <httplib.h>

#include "fake_http_receiver.h"
#include "test_net.h"

namespace c4 {
namespace {

// A TCP listener on 127.0.0.1 that accepts connections and never answers (a hung receiver).
class SilentListener {
 public:
  SilentListener() : fd_(test::bind_loopback(port_)) { REQUIRE(::listen(fd_, 8) == 0); }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int port_ = 0;  // before fd_: the constructor sets it while binding fd_
  int fd_ = -1;
};

HttpUrl url_of(const std::string& text) {
  auto url = parse_http_url(text);
  REQUIRE_MESSAGE(url.is_ok(), url.status().message());
  return *url;
}

}  // namespace

TEST_CASE("http urls split into host, port and target, with the user info kept out of the origin") {
  HttpUrl plain = url_of("http://hooks.example.net/services/T0/B0");
  CHECK_FALSE(plain.tls);
  CHECK(plain.host == "hooks.example.net");
  CHECK(plain.port == "80");
  CHECK(plain.target == "/services/T0/B0");
  CHECK(plain.origin() == "http://hooks.example.net");
  HttpUrl tls = url_of("https://noc:s3cret@[2001:db8::7]:8443?x=1#frag");
  CHECK(tls.tls);
  CHECK(tls.host == "2001:db8::7");
  CHECK(tls.port == "8443");
  CHECK(tls.target == "/?x=1");
  CHECK(tls.userinfo == "noc:s3cret");
  CHECK(tls.origin() == "https://[2001:db8::7]:8443");
  CHECK(url_of("https://api.github.com").target == "/");
}

TEST_CASE("a url that is not http(s) or holds a control character is refused, naming it without its password") {
  for (const char* bad : {"ftp://x.example", "http://", "http://host:0/", "http://host:99999/", "http://host:8a/",
                          "https://[::1/", "http://host/a b", "http://host/\r\nX-Injected: 1", "hooks.example.net"}) {
    auto url = parse_http_url(bad, "--notify-url");
    CHECK_MESSAGE(url.status().code() == Status::Code::invalid, bad);
    CHECK(url.status().message().rfind("--notify-url \"", 0) == 0);
    CHECK(url.status().message().find('\r') == std::string::npos);
  }
  auto secret = parse_http_url("gopher://user:hunter2@host.example/", "--notify-url");
  REQUIRE_FALSE(secret.is_ok());
  CHECK(secret.status().message().find("hunter2") == std::string::npos);
  CHECK(secret.status().message().find("***@host.example") != std::string::npos);
}

TEST_CASE("a post reaches the server with its target, headers, body and the user info as basic auth") {
  test::FakeHttpReceiver receiver(202);
  HttpCall call;
  call.method = "POST";
  call.path_suffix = "/statuses/abc";
  call.headers = {{"PRIVATE-TOKEN", "glpat-123"}};
  call.body = R"({"state":"success"})";
  auto port = std::to_string(receiver.port());
  auto answer = http_call(url_of("http://noc:pa%20ss@127.0.0.1:" + port + "/api/v4"), call);
  REQUIRE_MESSAGE(answer.is_ok(), answer.status().message());
  CHECK(answer->status == 202);
  CHECK(answer->body == "{}");
  auto received = receiver.received();
  REQUIRE(received.size() == 1);
  CHECK(received[0].path == "/api/v4/statuses/abc");
  CHECK(received[0].private_token == "glpat-123");
  CHECK(received[0].body == R"({"state":"success"})");
  CHECK(received[0].authorization == "Basic bm9jOnBhIHNz");  // base64("noc:pa ss"): the user info decoded
}

TEST_CASE("a header or target with CR or LF is refused and nothing is sent") {
  test::FakeHttpReceiver receiver;
  HttpUrl url = url_of(receiver.url("/hook"));
  HttpCall header;
  header.method = "POST";
  header.headers = {{"Authorization", "Bearer x\r\nX-Injected: 1"}};
  CHECK(http_call(url, header).status().code() == Status::Code::invalid);
  HttpCall name;
  name.headers = {{"X-Bad Name", "v"}};
  CHECK(http_call(url, name).status().code() == Status::Code::invalid);
  HttpCall target;
  target.path_suffix = "/x HTTP/1.1\r\nHost: evil";
  CHECK(http_call(url, target).status().code() == Status::Code::invalid);
  CHECK(receiver.received().empty());
}

TEST_CASE("refused, silent, oversized and non-tls answers are unavailable errors within the timeout") {
  HttpCall call;
  call.timeout = std::chrono::milliseconds(500);
  // Nobody listens.
  int closed = test::free_loopback_port();
  auto refused = http_call(url_of("http://127.0.0.1:" + std::to_string(closed) + "/"), call);
  CHECK(refused.status().code() == Status::Code::unavailable);
  CHECK(refused.status().message().find("connect") != std::string::npos);
  // Accepted, never answered: bounded by the timeout.
  SilentListener silent;
  auto started = std::chrono::steady_clock::now();
  auto hung = http_call(url_of("http://127.0.0.1:" + std::to_string(silent.port()) + "/"), call);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(hung.status().code() == Status::Code::unavailable);
  CHECK(hung.status().message().find("no whole answer within 500 ms") != std::string::npos);
  CHECK(took < std::chrono::seconds(5));
  // An answer over the body limit.
  httplib::Server big;
  big.Get("/big", [](const httplib::Request&, httplib::Response& res) { res.set_content(std::string(4096, 'x'), "text/plain"); });
  int port = big.bind_to_any_port("127.0.0.1");
  std::thread server([&] { big.listen_after_bind(); });
  while (!big.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  call.path_suffix = "big";
  call.body_limit = 1024;
  auto oversized = http_call(url_of("http://127.0.0.1:" + std::to_string(port) + "/"), call);
  CHECK_MESSAGE(oversized.status().code() == Status::Code::unavailable,
                (oversized ? std::to_string(oversized->status) + " " + std::to_string(oversized->body.size()) : ""));
  CHECK(oversized.status().message().find("read") != std::string::npos);
  // TLS asked of a plain HTTP server.
  call.path_suffix = "";
  auto not_tls = http_call(url_of("https://127.0.0.1:" + std::to_string(port) + "/"), call);
  CHECK(not_tls.status().code() == Status::Code::unavailable);
  CHECK(not_tls.status().message().find("TLS handshake") != std::string::npos);
  big.stop();
  server.join();
}

}  // namespace c4
