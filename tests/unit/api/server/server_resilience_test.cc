// Readiness, reloads, Redis announcements, a database that goes away, handler failures and
// graceful shutdown, over real HTTP.
#include <csignal>
#include <future>

#include <sys/wait.h>

#include "private_postgres.h"
#include "store/redis_client.h"
#include "server_test_support.h"
#include "test_support.h"

namespace c4::test {

TEST_CASE("status answers 503 until every snapshot has loaded and 204 after") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ExamplesService s("c4test_srv_ready", {}, [&](api::ApiService& service) {
    service.watcher().add_reload("gate", [released](pqxx::connection&, const std::string&) {
      released.wait();
      return Status::ok();
    });
  });
  // The access snapshot loads first; the gate holds readiness back.
  REQUIRE(eventually([&] { return s.service().access_tokens().loaded(); }));
  auto before = http_get(s.port(), "/status");
  CHECK(before.status == 503);
  CHECK(error_code(before) == "not_ready");
  release.set_value();
  CHECK(eventually([&] { return http_get(s.port(), "/status").status == 204; }));
  CHECK(http_get(s.port(), "/status").body.empty());
}

TEST_CASE("a failed reload keeps the last good snapshot and is counted") {
  std::atomic<int> calls{0};
  auto holder = std::make_shared<api::SnapshotHolder<std::string>>();
  ExamplesService s("c4test_srv_reload_fail", [](api::ApiServiceOptions& o) { o.poll_interval = std::chrono::milliseconds(50); },
                    [&](api::ApiService& service) {
                      service.watcher().add_reload("probe", [&, holder](pqxx::connection&, const std::string& revision) {
                        if (calls++ == 0) {
                          holder->store(std::make_shared<const std::string>(revision));
                          return Status::ok();
                        }
                        return Status::invalid("probe refuses revision " + revision);
                      });
                    });
  REQUIRE(eventually([&] { return s.service().watcher().ready(); }));
  std::string first = *holder->get();
  // A new revision: the probe fails on it, and keeps failing on each retry.
  std::ofstream(s.dir() / "extra.yaml") << "apiVersion: c4confd/v1\nkind: Carrier\nmetadata: {name: extra, tenant: acme}\n";
  apply_directory(s.db().conn(), s.dir());
  REQUIRE(eventually([&] { return calls.load() >= 3; }));
  CHECK(*holder->get() == first);
  CHECK(http_get(s.port(), "/status").status == 204);
  auto metrics = http_get(s.port(), "/metrics").body;
  CHECK(metrics.find("c4confd_snapshot_reload_failures_total{snapshot=\"probe\"} 0\n") == std::string::npos);
  CHECK(metrics.find("c4confd_snapshot_reload_failures_total{snapshot=\"probe\"}") != std::string::npos);
  auto status = s.get("/1.0/status").json();
  bool seen = false;
  for (const auto& snap : status["snapshot"]["snapshots"])
    if (snap["name"] == "probe") {
      seen = true;
      CHECK(snap["revision"] == first);
      CHECK(snap["failures"].get<int>() >= 2);
      CHECK(snap["last_error"].get<std::string>().find("probe refuses") != std::string::npos);
    }
  CHECK(seen);
  // The access snapshot, which did not fail, moved on.
  CHECK(status["snapshot"]["snapshots"][0]["revision"] != first);
}

TEST_CASE("a revision announced on Redis triggers a reload without waiting for the poll") {
  const char* redis_url = std::getenv("C4CONFD_REDIS_URL");
  REQUIRE_MESSAGE(redis_url, "C4CONFD_REDIS_URL is not set: run the tests through ./c4 test");
  std::mutex mutex;
  std::vector<std::string> seen;
  ExamplesService s("c4test_srv_redis_announce",
                    [&](api::ApiServiceOptions& o) {
                      o.redis_url = redis_url;
                      // A channel of its own: other tests publish on c4:revisions of the same Redis.
                      o.redis_channel = "c4test:revisions:" + std::to_string(::getpid());
                      o.poll_interval = std::chrono::minutes(10);  // only an announcement can wake it
                    },
                    [&](api::ApiService& service) {
                      service.watcher().add_reload("probe", [&](pqxx::connection&, const std::string& revision) {
                        std::lock_guard lock(mutex);
                        seen.push_back(revision);
                        return Status::ok();
                      });
                    });
  REQUIRE(eventually([&] { return s.service().watcher().ready(); }));
  REQUIRE(eventually([&] { return s.service().watcher().status_json()["redis_subscribed"] == true; }));
  // The first check, then the one every (re)subscription asks for: after both, nothing wakes
  // the watcher but an announcement.
  REQUIRE(eventually([&] { return s.service().watcher().checks() >= 2; }));
  size_t loads_before;
  {
    std::lock_guard lock(mutex);
    loads_before = seen.size();
  }
  std::ofstream(s.dir() / "extra.yaml") << "apiVersion: c4confd/v1\nkind: Carrier\nmetadata: {name: extra, tenant: acme}\n";
  apply_directory(s.db().conn(), s.dir());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard lock(mutex);
    REQUIRE(seen.size() == loads_before);  // nothing polls: no reload yet
  }
  auto redis = RedisClient::connect(redis_url);
  REQUIRE(redis.is_ok());
  auto delivered = (*redis)->command({"PUBLISH", "c4test:revisions:" + std::to_string(::getpid()), "announced"});
  REQUIRE(delivered.is_ok());
  CHECK(delivered->integer == 1);  // one subscriber: the watcher
  CHECK(eventually([&] {
    std::lock_guard lock(mutex);
    return seen.size() == loads_before + 1;
  }, std::chrono::milliseconds(5000)));
  std::lock_guard lock(mutex);
  CHECK(seen.back() == s.service().watcher().live_revision());
  CHECK(seen.back() != seen.front());
}

TEST_CASE("with PostgreSQL stopped status stays 204 tokens still authorise and REST answers 503") {
  PrivatePostgres postgres;
  ScratchDatabase db("c4test_srv_pg_down", postgres.url());
  auto dir = examples_copy(std::filesystem::temp_directory_path() / ("c4test-pgdown-" + std::to_string(::getpid())));
  apply_directory(db.conn(), dir);
  auto service = api::ApiService::create(service_options(db.url())).value();
  REQUIRE(service->start().is_ok());
  int port = service->server().port();
  REQUIRE(eventually([&] { return service->watcher().ready(); }));
  REQUIRE(http_get(port, "/1.0/carriers", kAcmeToken).status == 200);

  db.abandon();  // its connections die with the server
  postgres.stop();

  CHECK(http_get(port, "/status").status == 204);
  auto rest = http_get(port, "/1.0/carriers", kAcmeToken);
  CHECK(rest.status == 503);
  CHECK(error_code(rest) == "unavailable");
  CHECK(rest.json()["error"]["details"]["service"] == "database");
  CHECK(rest.json()["error"]["details"]["retryable"] == true);
  CHECK(http_get(port, "/1.0/carriers/1", kAcmeToken).status == 503);
  CHECK(http_get(port, "/1.0/revisions", kAdminToken).status == 503);
  CHECK(http_get(port, "/1.0/status", kAdminToken).status == 503);
  // The token snapshot still tells known from unknown tokens.
  CHECK(http_get(port, "/1.0/carriers", "not-a-token").status == 401);
  CHECK(http_get(port, "/1.0/carriers").status == 401);
  // The watcher keeps trying without losing readiness.
  auto checks = service->watcher().checks();
  CHECK(eventually([&] { return service->watcher().checks() > checks + 1; }));
  CHECK(http_get(port, "/status").status == 204);
  CHECK(http_get(port, "/metrics").body.find("c4confd_snapshot_ready 1\n") != std::string::npos);

  // And it comes back by itself.
  postgres.start();
  CHECK(eventually([&] { return http_get(port, "/1.0/carriers", kAcmeToken).status == 200; }));

  // A restart between two requests: the pooled connection is dead, the request still succeeds.
  postgres.stop();
  postgres.start();
  CHECK(http_get(port, "/1.0/carriers", kAcmeToken).status == 200);
  service.reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("a handler that throws answers 500 JSON and the server goes on") {
  ExamplesService s("c4test_srv_throw", {}, [](api::ApiService& service) {
    service.server().mount("GET", "/test/throw", api::Access::open,
                           [](const api::ApiRequest&) -> api::HttpReply { throw std::runtime_error("boom"); });
  });
  REQUIRE(eventually([&] { return s.service().watcher().ready(); }));
  auto r = http_get(s.port(), "/test/throw");
  CHECK(r.status == 500);
  CHECK(error_code(r) == "internal");
  CHECK(r.body.find("boom") == std::string::npos);  // internals stay in the log
  CHECK(http_get(s.port(), "/status").status == 204);
}

TEST_CASE("kamailio routes answer trusted networks or the kamailio token over HTTP") {
  auto kamailio_route = [](api::ApiService& service) {
    service.server().mount("POST", "/test/kamailio", api::Access::kamailio, [](const api::ApiRequest& r) {
      return api::json_reply(200, {{"peer", r.remote_addr}, {"all", r.scope.all}, {"body", r.body}});
    }, api::kHotRoute);
  };
  SUBCASE("from a trusted network") {
    ExamplesService s("c4test_srv_kam_trusted", {}, kamailio_route);
    auto r = http_send(s.port(), "POST", "/test/kamailio", "{\"x\":1}");
    REQUIRE(r.status == 200);
    CHECK(r.json()["peer"] == "127.0.0.1");
    CHECK(r.json()["all"] == true);
    CHECK(r.json()["body"] == "{\"x\":1}");
  }
  SUBCASE("from elsewhere") {
    ExamplesService s("c4test_srv_kam_untrusted",
                      [](api::ApiServiceOptions& o) { o.trusted_networks = api::parse_network_list("192.0.2.0/24").value(); },
                      kamailio_route);
    auto refused = http_send(s.port(), "POST", "/test/kamailio", "{}");
    CHECK(refused.status == 403);
    CHECK(error_code(refused) == "forbidden");
    CHECK(http_send(s.port(), "POST", "/test/kamailio", "{}", kAcmeToken).status == 403);
    CHECK(http_send(s.port(), "POST", "/test/kamailio", "{}", kKamailioToken).status == 200);
  }
}

TEST_CASE("stop lets an in-flight request finish") {
  std::atomic<bool> entered{false};
  ExamplesService s("c4test_srv_inflight", {}, [&](api::ApiService& service) {
    service.server().mount("GET", "/test/slow", api::Access::open, [&](const api::ApiRequest&) {
      entered = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      return api::json_reply(200, {{"done", true}});
    });
  });
  REQUIRE(eventually([&] { return s.service().watcher().ready(); }));
  int port = s.port();
  auto pending = std::async(std::launch::async, [port] { return http_get(port, "/test/slow"); });
  REQUIRE(eventually([&] { return entered.load(); }));
  s.service().stop();
  auto r = pending.get();
  CHECK(r.status == 200);
  CHECK(r.json()["done"] == true);
  CHECK(http_get(port, "/status").status == 0);  // no longer listening
}

TEST_CASE("c4confd serve answers logs each request as JSON and exits 0 on SIGTERM") {
  ScratchDatabase db("c4test_srv_serve_cli");
  TempDir logs;
  std::string log_file = (logs.path() / "stderr.log").string();
  int port = free_loopback_port();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setenv("C4CONFD_DATABASE_URL", db.url().c_str(), 1);
    ::setenv("C4CONFD_ADMIN_TOKEN", kAdminToken.c_str(), 1);
    ::unsetenv("C4CONFD_REDIS_URL");
    ::setenv("C4CONFD_CDR_SPOOL_DIR", "none", 1);  // not the host's /var/lib/c4confd
    std::string listen = "127.0.0.1:" + std::to_string(port);
    if (!std::freopen(log_file.c_str(), "w", stderr)) ::_exit(126);
    ::execl(C4_BINARY, C4_BINARY, "serve", "--listen", listen.c_str(), "--poll-interval", "0.2", "--log-level", "info",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool up = eventually([&] { return http_get(port, "/status").status == 204; }, std::chrono::milliseconds(20000));
  CHECK(up);
  if (up) {
    // An empty database: every list is empty, and the admin token works.
    auto tenants = http_get(port, "/1.0/tenants", kAdminToken);
    CHECK(tenants.status == 200);
    CHECK(tenants.json()["total"] == 0);
    CHECK(nlohmann::json::parse(http_get(port, "/openapi.json").body)["openapi"] == "3.0.3");
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  // One JSON object per line; one http.request line per request, with the route pattern.
  std::ifstream in(log_file);
  std::string line;
  int lines = 0, tenants_lines = 0;
  bool shutdown = false;
  while (std::getline(in, line)) {
    CAPTURE(line);
    auto entry = nlohmann::json::parse(line);  // throws, failing the test, on a non-JSON line
    lines++;
    if (entry["event"] == "shutdown") shutdown = entry["signal"] == "SIGTERM";
    if (entry["event"] == "http.request" && entry["route"] == "/1.0/tenants") {
      tenants_lines++;
      CHECK(entry["method"] == "GET");
      CHECK(entry["status"] == 200);
      CHECK(entry["us"].is_number_integer());
      CHECK(entry["level"] == "info");
    }
  }
  CHECK(lines > 3);
  CHECK(tenants_lines == (up ? 1 : 0));
  CHECK(shutdown);
}

}  // namespace c4::test
