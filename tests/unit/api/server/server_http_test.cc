// The event-driven HTTP server (api/server/server.h, http_connection.h) on the wire, without a
// database: keep-alive, pipelining, Expect: 100-continue, chunked bodies, limits, timeouts, slow
// clients, blocking handlers beside inline ones, graceful stop, many connections.
#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/server/server.h"
#include "raw_http_client.h"
#include "test_slowdown.h"
#include "test_wait.h"

namespace c4::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A Server on 127.0.0.1 and a free port with open test routes:
//   GET|POST /echo     inline: {"method", "body", "q" (first query value of q)}
//   GET /sleep?ms=N    on the workers: sleeps N ms, then {"slept": N}
//   POST /later        mount_async, on the workers: keeps its Responder (answer_later answers it)
//   GET /drop          mount_async, inline: drops its Responder unanswered
//   GET /throw         mount_async, inline: throws
class BareServer {
 public:
  explicit BareServer(const std::function<void(api::ServerOptions&)>& tweak = {}) {
    api::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.workers = 4;
    o.io_threads = 2;
    if (tweak) tweak(o);
    auto tokens = std::make_shared<api::SnapshotHolder<api::AccessSnapshot>>();
    server_ = std::make_unique<api::Server>(o, std::make_shared<api::Metrics>("test"),
                                            std::make_shared<api::AccessControl>(api::AccessConfig{}, tokens));
    auto echo = [](const api::ApiRequest& r) {
      const std::string* q = r.query_value("q");
      return api::json_reply(200, {{"method", r.method}, {"body", r.body}, {"q", q ? *q : ""}});
    };
    server_->mount("GET", "/echo", api::Access::open, echo, api::kInlineRoute);
    server_->mount("POST", "/echo", api::Access::open, echo, api::kInlineRoute);
    server_->mount("GET", "/sleep", api::Access::open, [this](const api::ApiRequest& r) {
      int ms = std::stoi(*r.query_value("ms"));
      ++sleepers_;
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return api::json_reply(200, {{"slept", ms}});
    });
    server_->mount_async("POST", "/later", api::Access::open, [this](const api::ApiRequest&, api::Responder reply) {
      std::lock_guard lock(later_mutex_);
      later_.push_back(std::move(reply));
    });
    server_->mount_async("GET", "/drop", api::Access::open, [](const api::ApiRequest&, api::Responder) {},
                         api::kInlineRoute);
    server_->mount_async("GET", "/throw", api::Access::open, [](const api::ApiRequest&, api::Responder) {
      throw std::runtime_error("no");
    }, api::kInlineRoute);
    REQUIRE(server_->start().is_ok());
  }
  size_t later_waiting() {
    std::lock_guard lock(later_mutex_);
    return later_.size();
  }
  // Answers the i-th request of /later (in arrival order) with {"later": value}.
  void answer_later(size_t i, int value) {
    api::Responder reply = [&] {
      std::lock_guard lock(later_mutex_);
      return later_.at(i);
    }();
    reply(api::json_reply(200, {{"later", value}}));
  }
  int port() const { return server_->port(); }
  api::Server& server() { return *server_; }
  int sleepers() const { return sleepers_.load(); }

 private:
  std::atomic<int> sleepers_{0};
  std::mutex later_mutex_;
  std::vector<api::Responder> later_;
  std::unique_ptr<api::Server> server_;
};

nlohmann::json json_of(const std::optional<RawResponse>& r) {
  REQUIRE(r);
  return nlohmann::json::parse(r->body);
}


std::string error_code_of(const std::optional<RawResponse>& r) { return json_of(r)["error"]["code"]; }

}  // namespace

TEST_CASE("one keep-alive connection serves a thousand requests") {
  BareServer s;
  RawHttpClient client(s.port());
  for (int i = 0; i < 1000; ++i) {
    client.send(post_request("/echo", "body " + std::to_string(i)));
    auto r = client.read_response();
    REQUIRE(r);
    REQUIRE(r->status == 200);
    CHECK(json_of(r)["body"] == "body " + std::to_string(i));
  }
}

TEST_CASE("pipelined requests are answered in the order they were sent, inline or not") {
  BareServer s;
  RawHttpClient client(s.port());
  std::string burst;
  for (int i = 0; i < 20; ++i)
    burst += i % 3 == 0 ? get_request("/sleep?ms=" + std::to_string(20 - i)) : post_request("/echo?q=" + std::to_string(i), "");
  client.send(burst);
  for (int i = 0; i < 20; ++i) {
    auto r = client.read_response();
    REQUIRE(r);
    REQUIRE(r->status == 200);
    if (i % 3 == 0) CHECK(json_of(r)["slept"] == 20 - i);
    else CHECK(json_of(r)["q"] == std::to_string(i));
  }
}

TEST_CASE("expect 100-continue gets an interim answer before the body is sent") {
  BareServer s;
  RawHttpClient client(s.port());
  std::string body(3000, 'b');
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 3000\r\n\r\n");
  auto interim = client.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  client.send(body);
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json_of(r)["body"] == body);
}

TEST_CASE("expect 100-continue with a body over the limit gets 413 before the body is sent") {
  BareServer s([](api::ServerOptions& o) { o.max_body_bytes = 1000; });
  RawHttpClient client(s.port());
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(error_code_of(r) == "body_too_large");
}

TEST_CASE("a chunked request body reaches the handler whole") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
  std::this_thread::sleep_for(50ms);  // the rest in a second segment
  client.send("6\r\n world\r\n0\r\n\r\n");
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json_of(r)["body"] == "hello world");
}

TEST_CASE("a client that sends half a request does not delay the others") {
  BareServer s([](api::ServerOptions& o) { o.io_threads = 1; });
  RawHttpClient slow(s.port());
  slow.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly a part");
  RawHttpClient other(s.port());
  auto started = Clock::now();
  for (int i = 0; i < 50; ++i) {
    other.send(get_request("/echo?q=" + std::to_string(i)));
    auto r = other.read_response();
    REQUIRE(r);
    CHECK(json_of(r)["q"] == std::to_string(i));
  }
  CHECK(Clock::now() - started < 1s);
  slow.send(std::string(100 - 11, 'x'));  // the slow one is answered once it is complete
  auto r = slow.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json_of(r)["body"] == "only a part" + std::string(89, 'x'));
}

TEST_CASE("a body over max_body_bytes is refused with 413 JSON") {
  BareServer s([](api::ServerOptions& o) { o.max_body_bytes = 1000; });
  SUBCASE("announced by Content-Length") {
    RawHttpClient client(s.port());
    client.send(post_request("/echo", std::string(2000, 'x')));
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(r->header("content-type") == "application/json");
    CHECK(error_code_of(r) == "body_too_large");
    CHECK(json_of(r)["error"]["details"]["limit"] == 1000);
    CHECK(s.server().metrics().request_count("unmatched", "POST", 413) == 1);
  }
  SUBCASE("chunked") {
    RawHttpClient client(s.port());
    client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string("800\r\n") +
                std::string(2048, 'x') + "\r\n0\r\n\r\n");
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code_of(r) == "body_too_large");
  }
  SUBCASE("at the limit it is served") {
    RawHttpClient client(s.port());
    client.send(post_request("/echo", std::string(1000, 'x')));
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}

TEST_CASE("unreadable HTTP is answered 400 JSON and the server goes on") {
  BareServer s;
  for (const std::string garbage : {"NOT HTTP AT ALL\r\n\r\n", "GET /echo HTTP/1.1\r\nno colon here\r\n\r\n",
                                    "POST /echo HTTP/1.1\r\nContent-Length: twelve\r\n\r\n"}) {
    CAPTURE(garbage);
    RawHttpClient client(s.port());
    client.send(garbage);
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(error_code_of(r) == "invalid_input");
    CHECK(r->header("connection") == "close");
  }
  RawHttpClient client(s.port());
  client.send(get_request("/echo"));
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("a handler sleeping on a worker does not stall inline routes on the same loop") {
  BareServer s([](api::ServerOptions& o) { o.io_threads = 1; });
  auto sleeping = std::async(std::launch::async, [&] {
    RawHttpClient client(s.port());
    client.send(get_request("/sleep?ms=" + std::to_string(500 * test::slowdown())));
    return client.read_response();
  });
  REQUIRE(eventually([&] { return s.sleepers() == 1; }));
  auto started = Clock::now();
  RawHttpClient client(s.port());
  for (int i = 0; i < 100; ++i) {
    client.send(get_request("/echo"));
    auto r = client.read_response();
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  auto inline_time = Clock::now() - started;
  // well before the sleeper wakes (500 ms), even on a loaded machine
  CHECK(inline_time < test::scaled(450ms));
  CHECK(sleeping.wait_for(0s) == std::future_status::timeout);  // the sleeper is still asleep
  auto slept = sleeping.get();
  REQUIRE(slept);
  CHECK(slept->status == 200);
}

TEST_CASE("requests answered later hold no worker: one worker serves a blocking route while they wait") {
  BareServer s([](api::ServerOptions& o) { o.workers = 1; });
  std::vector<std::unique_ptr<RawHttpClient>> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(std::make_unique<RawHttpClient>(s.port()));
    waiting.back()->send(post_request("/later", "{}"));
    REQUIRE(eventually([&] { return s.later_waiting() == static_cast<size_t>(i + 1); }));
  }
  RawHttpClient other(s.port());
  other.send(get_request("/sleep?ms=1"));
  auto slept = other.read_response();
  REQUIRE(slept);
  CHECK(slept->status == 200);
  // answered from this thread, in reverse order: each connection gets its own answer
  for (int i = 2; i >= 0; --i) s.answer_later(static_cast<size_t>(i), i * 10);
  for (int i = 0; i < 3; ++i) {
    auto r = waiting[static_cast<size_t>(i)]->read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(json_of(r)["later"] == i * 10);
  }
}

TEST_CASE("a reply given later is sent once: a second one is ignored, a dropped or thrown one is a 500") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send(post_request("/later", "{}"));
  REQUIRE(eventually([&] { return s.later_waiting() == 1; }));
  s.answer_later(0, 1);
  s.answer_later(0, 2);
  auto first = client.read_response();
  REQUIRE(first);
  CHECK(json_of(first)["later"] == 1);
  client.send(get_request("/echo?q=next"));  // the next answer on the connection is the echo's
  auto next = client.read_response();
  REQUIRE(next);
  CHECK(json_of(next)["q"] == "next");
  client.send(get_request("/drop"));
  auto dropped = client.read_response();
  REQUIRE(dropped);
  CHECK(dropped->status == 500);
  CHECK(error_code_of(dropped) == "internal");
  client.send(get_request("/throw"));
  auto thrown = client.read_response();
  REQUIRE(thrown);
  CHECK(thrown->status == 500);
  CHECK(error_code_of(thrown) == "internal");
}

TEST_CASE("stop lets a request in flight on a worker finish then stops listening") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send(get_request("/sleep?ms=400"));
  REQUIRE(eventually([&] { return s.sleepers() == 1; }));
  RawHttpClient idle(s.port());  // an idle keep-alive connection must not hold stop() up
  idle.send(get_request("/echo"));
  REQUIRE(idle.read_response());
  auto started = Clock::now();
  s.server().stop();
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json_of(r)["slept"] == 400);
  CHECK(r->header("connection") == "close");
  CHECK(Clock::now() - started < 2s);
  CHECK(idle.closed_by_server());
}

TEST_CASE("an idle keep-alive connection is closed after the keep-alive timeout") {
  BareServer s([](api::ServerOptions& o) { o.keep_alive_timeout = std::chrono::seconds(1); });
  RawHttpClient client(s.port(), 4000ms);
  client.send(get_request("/echo"));
  REQUIRE(client.read_response());
  auto started = Clock::now();
  CHECK(client.closed_by_server());
  auto waited = Clock::now() - started;
  CHECK(waited > 800ms);
  CHECK(waited < 2500ms);
}

TEST_CASE("the last request of keep_alive_max_count is answered with connection close") {
  BareServer s([](api::ServerOptions& o) { o.keep_alive_max_count = 3; });
  RawHttpClient client(s.port());
  for (int i = 1; i <= 3; ++i) {
    client.send(get_request("/echo"));
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->header("connection") == (i == 3 ? "close" : ""));
  }
  CHECK(client.closed_by_server());
}

TEST_CASE("head is answered with the headers of get and no body") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send("HEAD /echo?q=h HTTP/1.1\r\nHost: test\r\n\r\n");
  client.expect_head_answer(true);
  auto head = client.read_response();
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(std::stoul(head->header("content-length")) > 0);
  client.expect_head_answer(false);
  client.send(get_request("/echo?q=g"));  // no stray body bytes before this answer
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(json_of(r)["q"] == "g");
}

TEST_CASE("an http 1.0 request without keep-alive is answered and the connection closed") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send("GET /echo?q=old HTTP/1.0\r\n\r\n");
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(json_of(r)["q"] == "old");
  CHECK(client.closed_by_server());
}

TEST_CASE("two hundred concurrent connections are all served by four workers") {
  BareServer s([](api::ServerOptions& o) { o.workers = 4; });
  std::vector<std::unique_ptr<RawHttpClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<RawHttpClient>(s.port(), 10000ms));
    clients.back()->send(get_request("/sleep?ms=5"));
  }
  int answered = 0;
  for (auto& c : clients) {
    auto r = c->read_response();
    if (r && r->status == 200) ++answered;
  }
  CHECK(answered == 200);
  // And every connection stays usable.
  for (int i = 0; i < 200; i += 20) {
    clients[i]->send(get_request("/echo?q=again"));
    CHECK(json_of(clients[i]->read_response())["q"] == "again");
  }
}

TEST_CASE("a percent-encoded path is decoded before routing") {
  BareServer s;
  RawHttpClient client(s.port());
  client.send(get_request("/ec%68o?q=a%20b+c"));
  auto r = client.read_response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json_of(r)["q"] == "a b c");
}

}  // namespace c4::test
