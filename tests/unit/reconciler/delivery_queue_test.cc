// Commit statuses and notifications (reconciler/delivery_queue.h, git_status.h,
// notification.h, attempt_reporter.h) against a fake Git host / webhook receiver on 127.0.0.1:
// retries with backoff, bounded attempts and queue, never blocking the caller, hostile text
// escaped into valid JSON.
#include <algorithm>
#include <chrono>
#include <mutex>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "test_wait.h"
#include "fake_http_receiver.h"
#include "reconciler/attempt_reporter.h"
#include "reconciler/delivery_queue.h"
#include "reconciler/git_status.h"
#include "reconciler/notification.h"
#include "test_net.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
using test::FakeHttpReceiver;
using test::eventually;

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

DeliveryQueueConfig fast_queue(int attempts = 4) {
  DeliveryQueueConfig c;
  c.max_attempts = attempts;
  c.initial_backoff = 20ms;
  c.max_backoff = 80ms;
  c.timeout = 2s;
  return c;
}

AttemptReport failed_report(std::string first_error, const std::string& commit = kCommit) {
  AttemptReport r = attempt_report(AttemptOutcome::failed, commit);
  r.revision_id = 7;
  r.error_count = 3;
  r.failed_step = "validate";
  r.first_error = std::move(first_error);
  return r;
}

AttemptReport applied_report(int64_t revision) {
  AttemptReport r = attempt_report(AttemptOutcome::applied, kCommit);
  r.revision_id = revision;
  return r;
}

AttemptReport superseded_report(const std::string& by) {
  AttemptReport r = attempt_report(AttemptOutcome::superseded, kCommit);
  r.superseded_by = by;
  return r;
}

GitStatusConfig github(const std::string& api_url, const std::string& token) {
  GitStatusConfig c;
  c.host = GitHost::github;
  c.api_url = api_url;
  c.repository = "acme/manifests";
  c.token = token;
  return c;
}

TEST_CASE("a delivery answered 500 then 201 is retried and delivered once") {
  FakeHttpReceiver host;
  host.answer({500, 201});
  DeliveryQueue queue(fast_queue());
  queue.enqueue({"test", host.url("/hook"), {}, R"({"text":"x"})"});
  REQUIRE(eventually([&] { return queue.stats().delivered == 1; }, 10s));
  auto received = host.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].body == received[1].body);
  CHECK(queue.stats().retries == 1);
  CHECK(queue.stats().failed == 0);
}

TEST_CASE("a delivery to a host that is down gives up after the bounded attempts without blocking the caller") {
  int port = test::free_loopback_port();  // nothing listens there
  DeliveryQueue queue(fast_queue(3));
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) queue.enqueue({"test", "http://127.0.0.1:" + std::to_string(port) + "/hook", {}, "{}"});
  CHECK(std::chrono::steady_clock::now() - started < 50ms);  // enqueue only queues
  REQUIRE(eventually([&] { return queue.stats().failed == 3; }, 20s));
  CHECK(queue.stats().retries == 6);  // 3 attempts each
  CHECK(queue.stats().delivered == 0);
  CHECK(queue.pending() == 0);
}

TEST_CASE("a final answer such as 422 is not retried") {
  FakeHttpReceiver host(422);
  DeliveryQueue queue(fast_queue());
  queue.enqueue({"test", host.url("/x"), {}, "{}"});
  REQUIRE(eventually([&] { return queue.stats().failed == 1; }, 10s));
  CHECK(host.received().size() == 1);
}

TEST_CASE("a full queue drops its oldest delivery and counts it") {
  FakeHttpReceiver host;
  host.answer({503, 503, 503, 503});  // the first delivery holds the worker in its backoff
  auto config = fast_queue(4);
  config.capacity = 2;
  config.initial_backoff = 200ms;
  DeliveryQueue queue(config);
  for (int i = 0; i < 5; ++i) queue.enqueue({"n" + std::to_string(i), host.url("/q"), {}, std::to_string(i)});
  REQUIRE(eventually([&] { return queue.pending() == 0; }, 20s));
  auto s = queue.stats();
  CHECK(s.dropped >= 2);
  CHECK(s.delivered + s.failed + s.dropped == 5);
  // The newest delivery is never the one dropped.
  auto received = host.received();
  REQUIRE(!received.empty());
  CHECK(received.back().body == "4");
}

TEST_CASE("GitHub commit statuses go to the statuses API with the state, description, link and bearer token") {
  FakeHttpReceiver host;
  GitStatusConfig config = github(host.url("/api/v3"), "ghp-secret");
  config.context = "c4confd/prod";
  config.public_url = "https://c4.example.org/";
  DeliveryQueue queue(fast_queue());
  for (const auto& report : {attempt_report(AttemptOutcome::pending, kCommit), applied_report(12), failed_report("x"),
                             superseded_report("fedcba9876")})
    queue.enqueue(*git_status_delivery(config, report));
  REQUIRE(eventually([&] { return queue.stats().delivered == 4; }, 10s));
  auto received = host.received();
  REQUIRE(received.size() == 4);
  for (const auto& r : received) {
    CHECK(r.path == "/api/v3/repos/acme/manifests/statuses/" + kCommit);
    CHECK(r.authorization == "Bearer ghp-secret");
  }
  auto body = [&](int i) { return nlohmann::json::parse(received[i].body); };
  CHECK(body(0) == nlohmann::json{{"state", "pending"}, {"description", "applying"}, {"context", "c4confd/prod"}});
  CHECK(body(1) == nlohmann::json{{"state", "success"}, {"description", "applied as revision 12"}, {"context", "c4confd/prod"},
                                  {"target_url", "https://c4.example.org/1.0/revisions/12"}});
  CHECK(body(2)["state"] == "failure");
  CHECK(body(2)["description"] == "failed: 3 errors");
  CHECK(body(2)["target_url"] == "https://c4.example.org/1.0/revisions/7");
  CHECK(body(3)["state"] == "error");
  CHECK(body(3)["description"] == "superseded by fedcba9");
}

TEST_CASE("GitLab commit statuses go to the project's statuses API with PRIVATE-TOKEN and GitLab states") {
  FakeHttpReceiver host;
  GitStatusConfig config = github(host.url("/api/v4"), "glpat-secret");
  config.host = GitHost::gitlab;
  config.repository = "voip/manifests";
  DeliveryQueue queue(fast_queue());
  queue.enqueue(*git_status_delivery(config, failed_report("x")));
  queue.enqueue(*git_status_delivery(config, superseded_report(kCommit)));
  REQUIRE(eventually([&] { return queue.stats().delivered == 2; }, 10s));
  auto received = host.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].path == "/api/v4/projects/voip%2Fmanifests/statuses/" + kCommit);
  CHECK(received[0].private_token == "glpat-secret");
  CHECK(received[0].authorization.empty());
  CHECK(nlohmann::json::parse(received[0].body) == nlohmann::json{{"state", "failed"}, {"description", "failed: 3 errors"},
                                                                   {"name", "c4confd"}});
  CHECK(nlohmann::json::parse(received[1].body)["state"] == "canceled");
  // A directory's revision is no Git commit: nothing is posted for it.
  CHECK_FALSE(git_status_delivery(config, attempt_report(AttemptOutcome::applied, "dir:abc")).has_value());
}

TEST_CASE("hostile text in an error message reaches the receiver JSON-escaped, as valid JSON") {
  FakeHttpReceiver host;
  std::string hostile = "carriers.yaml:3: \"}\r\nX-Injected: 1\r\n\r\n{\"text\":\"pwned\" \\ \x01\x1b[31m";
  hostile += std::string(1, '\0') + "\xff\xfe tail </script>" + std::string(5000, 'A');
  ReporterConfig config;
  config.git_status = github(host.url(), "t");
  config.notify_urls = {host.url("/slack")};
  config.queue = fast_queue();
  AttemptReporter reporter(config);
  reporter.on_attempt(failed_report(hostile));
  REQUIRE(eventually([&] { return reporter.stats().delivered == 2; }, 10s));
  auto received = host.received();
  REQUIRE(received.size() == 2);
  const auto& slack = received[0].path == "/slack" ? received[0] : received[1];
  auto body = nlohmann::json::parse(slack.body);  // throws (fails the test) if not valid JSON
  CHECK(body["event"] == "failure");
  CHECK(body["errors"] == 3);
  std::string text = body["text"];
  CHECK(text.rfind("c4confd: commit 0123456 failed: 3 errors (validate): carriers.yaml:3: \"}\r\nX-Injected", 0) == 0);
  CHECK(text.size() < 1000);  // the chat line is capped; first_error keeps the whole text
  CHECK(body["first_error"].get<std::string>().find("\r\nX-Injected: 1\r\n") != std::string::npos);
  // Raw control bytes never appear in the body: JSON escaped them.
  CHECK(slack.body.find('\r') == std::string::npos);
  CHECK(slack.body.find('\x1b') == std::string::npos);
  CHECK(slack.body.find(std::string(1, '\0')) == std::string::npos);
  CHECK(slack.body.find("\\u0000") != std::string::npos);
}

// The reporter's decisions, without a network: what it hands to its queues.
struct Captured {
  std::mutex mutex;
  std::vector<Delivery> deliveries;
  HttpPost post() {
    return [this](const Delivery& d, std::chrono::milliseconds) -> Result<int> {
      std::lock_guard lock(mutex);
      deliveries.push_back(d);
      return 201;
    };
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& d : deliveries) out.push_back(d.what);
    return out;
  }
};

TEST_CASE("the reporter notifies a failure once per commit, recovery after a failure, and drift") {
  Captured captured;
  ReporterConfig config;
  config.git_status = github("http://127.0.0.1:1", "t");
  config.notify_urls = {"http://127.0.0.1:1/n"};
  config.queue = fast_queue();
  AttemptReporter reporter(config, captured.post());
  AttemptReport applied = applied_report(1);
  reporter.on_attempt(attempt_report(AttemptOutcome::pending, kCommit));
  reporter.on_attempt(applied);
  reporter.on_attempt(applied);  // the same outcome again (a drift check): nothing new
  std::string bad = "1111111111111111111111111111111111111111";
  reporter.on_attempt(failed_report("e", bad));
  reporter.on_attempt(failed_report("e", bad));
  AttemptReport drift = applied;
  drift.drifted = {"Carrier acme/orange"};
  reporter.on_attempt(drift);
  REQUIRE(eventually([&] { return reporter.pending() == 0 && captured.events().size() == 7; }, 10s));
  std::vector<std::string> events = captured.events();
  std::sort(events.begin(), events.end());
  // The commit is live again after the failure: its success is posted again.
  CHECK(events == std::vector<std::string>{"git-status failure 1111111", "git-status pending 0123456",
                                           "git-status success 0123456", "git-status success 0123456",
                                           "notify drift", "notify failure", "notify recovery"});
}

}  // namespace
}  // namespace c4
