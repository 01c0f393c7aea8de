// The watching loop against the real PostgreSQL (and a private Redis where a test must stop
// it), fed from Git repositories made in the test: new commits are applied after trigger() and
// after a signed webhook, a bad signature fetches nothing, one of two loops applies and the
// other takes over, hand edits are corrected as drift, and the Redis projection converges
// after Redis restarts empty.
#include "reconciler/reconcile_loop.h"

#include <map>
#include <thread>

#include <httplib.h>

#include "api/calls/reconciler_routes.h"
#include "api/server/server.h"

#include "common/sha.h"
#include "reconciler/outcome_projection.h"
#include "reconciler/redis_projection.h"
#include "reconciler/webhook.h"
#include "test_database.h"
#include "test_git_repo.h"
#include "test_process.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
using test::ManifestRepo;
using test::TestDatabase;
using test::eventually;

std::shared_ptr<const SchemaSet> schemas() { return SchemaSet::builtin().value(); }

// A ReconcileLoop running on a thread of its own until stop() or the end of the scope.
class RunningLoop {
 public:
  RunningLoop(const TestDatabase& db, const ManifestRepo& repo, const std::string& name,
              std::chrono::milliseconds interval, std::string redis_url = "")
      : RunningLoop(db, repo.source(name), interval, 100ms, std::move(redis_url)) {}
  RunningLoop(const TestDatabase& db, std::unique_ptr<RevisionSource> source, std::chrono::milliseconds interval,
              std::chrono::milliseconds initial_backoff, std::string redis_url = "") {
    ReconcileLoopConfig config;
    config.database_url = db.url();
    config.redis_url = std::move(redis_url);
    config.interval = interval;
    config.initial_backoff = initial_backoff;
    config.threads = 1;
    loop_ = std::make_unique<ReconcileLoop>(config, std::move(source), schemas());
    thread_ = std::thread([this] { loop_->run(); });
  }
  ~RunningLoop() { stop(); }
  void stop() {
    loop_->stop();
    if (thread_.joinable()) thread_.join();
  }
  ReconcileLoop* operator->() { return loop_.get(); }
  ReconcileLoop& operator*() { return *loop_; }

 private:
  std::unique_ptr<ReconcileLoop> loop_;
  std::thread thread_;
};

ReconcilerStatus status_of(TestDatabase& db) {
  pqxx::read_transaction txn(db.conn());
  auto status = read_status(txn);
  REQUIRE(status.is_ok());
  return *status;
}

std::string live_commit(TestDatabase& db) { return status_of(db).live_commit_id; }

std::string query_text(TestDatabase& db, const std::string& sql) {
  pqxx::read_transaction txn(db.conn());
  auto row = txn.exec1(sql);
  return row[0].is_null() ? "" : row[0].as<std::string>();
}

int revision_rows(TestDatabase& db) { return std::stoi(query_text(db, "SELECT count(*) FROM revisions")); }

// The API's server (api/server/server.h) on 127.0.0.1, a free port, with POST /hooks/git
// mounted as `c4confd all` and `c4confd reconcile` mount it; stopped at scope end.
class WebhookServer {
 public:
  WebhookServer(const WebhookConfig& config, ReconcileLoop& loop)
      : server_(api::ServerOptions{.port = 0}, std::make_shared<api::Metrics>("test"),
                api::open_routes_only()) {
    api::mount_reconciler_routes(server_, loop, config);
    REQUIRE(server_.start().is_ok());
  }
  int port() const { return server_.port(); }

 private:
  api::Server server_;
};

}  // namespace

TEST_CASE("The loop applies new commits after trigger and after a signed webhook and a bad signature fetches nothing") {
  TestDatabase db("c4test_loop_commits");
  ManifestRepo repo;
  // A long interval: after the first pass only triggers make the loop fetch.
  RunningLoop loop(db, repo, "a", 60s);
  std::string first = repo.head();
  // The commit is visible a moment before the pass is counted.
  REQUIRE(eventually([&] { return live_commit(db) == first && loop->stats().passes == 1; }, 30s));
  CHECK(loop->stats().leader);
  CHECK(loop->stats().applied == 1);
  std::string trunk_id = query_text(db, "SELECT id FROM carrier_trunks WHERE name = 'orange-paris'");
  std::string lyon_dids = query_text(db, "SELECT string_agg(id::text || name, ',' ORDER BY id) FROM dids WHERE name LIKE 'lyon-%'");

  // An edit, a rename and a delete in one commit.
  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "sbc-paris2.orange.example");
  repo.git("mv tenants/acme/dids/lyon.yaml tenants/acme/dids/lyon-site.yaml");
  repo.git("rm -q tenants/lagoon/dids/roma.yaml");
  std::string second = repo.commit("edit orange, rename lyon, delete roma");
  loop->trigger();
  REQUIRE(eventually([&] { return live_commit(db) == second; }, 30s));
  CHECK(query_text(db, "SELECT spec->>'sipProxy' FROM carrier_trunks WHERE name = 'orange-paris'") ==
        "sbc-paris2.orange.example");
  CHECK(query_text(db, "SELECT id FROM carrier_trunks WHERE name = 'orange-paris'") == trunk_id);
  CHECK(query_text(db, "SELECT count(*) FROM dids WHERE name LIKE 'roma-%'") == "0");
  // A renamed file holds the same objects: they keep their rows.
  CHECK(query_text(db, "SELECT string_agg(id::text || name, ',' ORDER BY id) FROM dids WHERE name LIKE 'lyon-%'") ==
        lyon_dids);

  const std::string secret = "It's a Secret to Everybody";
  WebhookServer server({secret}, *loop);
  httplib::Client client("127.0.0.1", server.port());
  const std::string body = R"({"ref":"refs/heads/main"})";

  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris2.orange.example", "sbc-paris3.orange.example");
  std::string third = repo.commit("edit orange again");
  auto accepted = client.Post("/hooks/git", {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(secret, body)}},
                              body, "application/json");
  REQUIRE(accepted);
  CHECK(accepted->status == 202);
  REQUIRE(eventually([&] { return live_commit(db) == third; }, 30s));
  CHECK(query_text(db, "SELECT spec->>'sipProxy' FROM carrier_trunks WHERE name = 'orange-paris'") ==
        "sbc-paris3.orange.example");

  // A bad signature: 401, and the loop does not fetch (the new commit stays unapplied).
  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris3.orange.example", "sbc-paris4.orange.example");
  std::string fourth = repo.commit("edit orange a third time");
  std::this_thread::sleep_for(200ms);  // lets the webhook's pass end
  uint64_t fetches = loop->stats().fetches;
  auto refused = client.Post("/hooks/git", {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex("not the secret", body)}},
                             body, "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(nlohmann::json::parse(refused->body)["error"]["code"] == "unauthorized");
  std::this_thread::sleep_for(500ms);
  CHECK(loop->stats().fetches == fetches);
  CHECK(live_commit(db) == third);

  // GitLab's token is the other accepted proof.
  auto gitlab = client.Post("/hooks/git", {{"X-Gitlab-Token", secret}}, body, "application/json");
  REQUIRE(gitlab);
  CHECK(gitlab->status == 202);
  REQUIRE(eventually([&] { return live_commit(db) == fourth; }, 30s));
  CHECK(loop->stats().fetches == fetches + 1);
}

TEST_CASE("Of two loops on one database exactly one applies and the other takes over when it stops") {
  TestDatabase db("c4test_loop_leader");
  ManifestRepo repo;
  RunningLoop a(db, repo, "a", 200ms);
  RunningLoop b(db, repo, "b", 200ms);
  std::string first = repo.head();
  REQUIRE(eventually([&] { return live_commit(db) == first; }, 30s));
  REQUIRE(eventually([&] { return a->stats().leader != b->stats().leader; }, 5s));
  std::this_thread::sleep_for(1s);  // five intervals: the standby keeps trying and keeps failing

  RunningLoop& leader = a->stats().leader ? a : b;
  RunningLoop& standby = a->stats().leader ? b : a;
  CHECK(leader->stats().leader);
  CHECK_FALSE(standby->stats().leader);
  CHECK(standby->stats().passes == 0);
  CHECK(standby->stats().fetches == 0);
  CHECK(leader->stats().applied == 1);
  CHECK(revision_rows(db) == 1);

  leader.stop();
  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "sbc-paris2.orange.example");
  std::string third = repo.commit("edit orange");
  // The standby retries every interval (200 ms ± 10 %); the bound leaves room for a loaded machine.
  REQUIRE(eventually([&] { return standby->stats().leader; }, 2s));
  REQUIRE(eventually([&] { return live_commit(db) == third; }, 30s));
  // The counter moves just after the commit it counts: wait for it too.
  CHECK(eventually([&] { return standby->stats().applied >= 1; }, 5s));
  CHECK(revision_rows(db) == 2);
}

TEST_CASE("A leader whose lock session dies stops applying until it holds the lock again") {
  TestDatabase db("c4test_loop_lock_lost");
  ManifestRepo repo;
  RunningLoop loop(db, repo, "a", 1s);
  REQUIRE(eventually([&] { return live_commit(db) == repo.head() && loop->stats().passes == 1; }, 30s));
  const std::string holder =
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
      "(SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = " +
      std::to_string(kReconcilerLeaderLock & 0xffffffff);

  // End the leader's lock session from outside and take the lock in its place (the loop checks
  // its session before each pass: should it win the race, end its session again).
  auto thief = connect_database(db.url());
  REQUIRE(thief.is_ok());
  bool stolen = false;
  for (int round = 0; round < 5 && !stolen; ++round) {
    std::string pid = query_text(db, holder);
    REQUIRE_FALSE(pid.empty());
    pqxx::nontransaction(db.conn()).exec("SELECT pg_terminate_backend(" + pid + ")");
    stolen = eventually(
        [&] {
          return pqxx::nontransaction(**thief)
              .exec_params1("SELECT pg_try_advisory_lock($1)", kReconcilerLeaderLock)[0]
              .as<bool>();
        },
        2s);
  }
  REQUIRE(stolen);

  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "sbc-paris2.orange.example");
  std::string second = repo.commit("edit orange");
  loop->trigger();
  REQUIRE(eventually([&] { return !loop->stats().leader; }, 5s));
  std::this_thread::sleep_for(1500ms);
  CHECK(live_commit(db) != second);  // no lock, no apply
  CHECK_FALSE(loop->stats().leader);

  thief.value().reset();  // the lock goes with the session
  REQUIRE(eventually([&] { return live_commit(db) == second; }, 10s));
  CHECK(loop->stats().leader);
}

TEST_CASE("An invalid commit is recorded as failed once and the next valid commit is applied") {
  TestDatabase db("c4test_loop_invalid");
  ManifestRepo repo;
  RunningLoop loop(db, repo, "a", 200ms);
  std::string good = repo.head();
  REQUIRE(eventually([&] { return live_commit(db) == good; }, 30s));

  repo.replace("tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "not a host!");
  std::string bad = repo.commit("break orange");
  loop->trigger();
  REQUIRE(eventually([&] { return loop->stats().last_result == "failed"; }, 10s));
  std::this_thread::sleep_for(1s);  // five more intervals with the same invalid tip
  CHECK(query_text(db, "SELECT count(*) FROM revisions WHERE result = 'failed' AND commit_id = '" + bad + "'") == "1");
  CHECK(query_text(db, "SELECT errors::text FROM revisions WHERE commit_id = '" + bad + "'").find("not a host!") !=
        std::string::npos);
  CHECK(live_commit(db) == good);
  CHECK(status_of(db).last_attempt_result == "failed");
  CHECK(loop->stats().last_error.rfind("validate: ", 0) == 0);

  repo.replace("tenants/acme/carriers/orange.yaml", "not a host!", "sbc-paris2.orange.example");
  std::string fixed = repo.commit("fix orange");
  REQUIRE(eventually([&] { return live_commit(db) == fixed; }, 10s));
  CHECK(query_text(db, "SELECT spec->>'sipProxy' FROM carrier_trunks WHERE name = 'orange-paris'") ==
        "sbc-paris2.orange.example");
}

TEST_CASE("A hand edit in the database is corrected and counted as drift on the next interval") {
  TestDatabase db("c4test_loop_drift");
  ManifestRepo repo;
  RunningLoop loop(db, repo, "a", 300ms);
  REQUIRE(eventually([&] { return live_commit(db) == repo.head(); }, 30s));
  {
    pqxx::work txn(db.conn());
    txn.exec("UPDATE carrier_trunks SET spec = jsonb_set(spec, '{sipProxy}', '\"evil.example\"') "
             "WHERE name = 'orange-paris'");
    txn.commit();
  }
  REQUIRE(eventually([&] { return loop->stats().drift_total >= 1; }, 5s));
  CHECK(query_text(db, "SELECT spec->>'sipProxy' FROM carrier_trunks WHERE name = 'orange-paris'") ==
        "sbc-paris.orange.example");
  auto status = status_of(db);
  CHECK(status.drift_count == 1);
  CHECK(status.last_drift.dump().find("CarrierTrunk acme/orange-paris") != std::string::npos);
  std::this_thread::sleep_for(1s);  // more drift checks find nothing more
  CHECK(loop->stats().drift_total == 1);
  // The correction is written like any apply: a revision row of the same commit.
  CHECK(revision_rows(db) == 2);
  CHECK(query_text(db, "SELECT commit_id || ' ' || result FROM revisions ORDER BY id DESC LIMIT 1") ==
        repo.head() + " applied");
}

TEST_CASE("While Git fails the loop retries with a doubling backoff and not at every interval") {
  TestDatabase db("c4test_loop_backoff");
  test::TempDir dir;
  GitSourceConfig config;
  config.url = "file://" + (dir.path() / "no-such-repository").string();
  config.cache_dir = dir.path() / "cache";
  auto source = RevisionSource::open_git(config);
  REQUIRE(source.is_ok());
  // Backoff 50, 100, 200, 400, 800 ms…: about six fetches in 1.6 s. A fixed 50 ms retry would
  // make some thirty, the 10 s interval one.
  RunningLoop loop(db, std::move(source.value()), 10s, 50ms);
  std::this_thread::sleep_for(1600ms);
  auto stats = loop->stats();
  CHECK(stats.fetches >= 3);
  CHECK(stats.fetches <= 8);
  CHECK(stats.errors == stats.passes);
  CHECK(stats.last_result == "error");
  CHECK(stats.last_error.rfind("fetch: ", 0) == 0);
  CHECK(revision_rows(db) == 0);
}

namespace {

// A redis-server of the test's own on a fixed port, without persistence: stopping it loses
// every key, as a restart of a cache-only Redis does.
class PrivateRedis {
 public:
  explicit PrivateRedis(std::filesystem::path log) : port_(test::free_loopback_port()), log_(std::move(log)) {}
  void start() {
    process_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--daemonize", "no"},
        log_);
    REQUIRE_MESSAGE(eventually([&] { return RedisClient::connect(url(0)).is_ok(); }, 10s),
                    "redis-server did not start on port " << port_);
  }
  void stop() { process_.reset(); }  // SIGKILL
  std::string url(int db) const { return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db); }

 private:
  int port_;
  std::filesystem::path log_;
  std::unique_ptr<test::ChildProcess> process_;
};

// Every c4:* key of a Redis database but c4:revision, with its content as text.
std::map<std::string, std::string> c4_keys(const std::string& url) {
  auto redis = RedisClient::connect(url);
  REQUIRE(redis.is_ok());
  auto keys = (*redis)->command({"KEYS", "c4:*"});
  REQUIRE(keys.is_ok());
  std::map<std::string, std::string> out;
  for (const auto& k : keys->elements) {
    if (k.str == "c4:revision") continue;
    auto type = (*redis)->command({"TYPE", k.str});
    REQUIRE(type.is_ok());
    std::map<std::string, std::string> fields;
    if (type->str == "hash") {
      auto all = (*redis)->command({"HGETALL", k.str});
      REQUIRE(all.is_ok());
      for (size_t i = 0; i + 1 < all->elements.size(); i += 2) fields[all->elements[i].str] = all->elements[i + 1].str;
      out[k.str] = nlohmann::json(fields).dump();
    } else {
      out[k.str] = type->str + ":" + (*redis)->command({"GET", k.str})->str;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("After Redis is stopped and restarted empty the projection converges to a fresh projection") {
  TestDatabase db("c4test_loop_redis");
  ManifestRepo repo;
  PrivateRedis redis(repo.scratch("redis.log"));
  redis.start();
  RunningLoop loop(db, repo, "a", 300ms, redis.url(0));
  REQUIRE(eventually([&] { return live_commit(db) == repo.head() && loop->stats().projection_current; }, 30s));
  CHECK(c4_keys(redis.url(0)).count("c4:did:+390650268101") == 1);  // a number of roma.yaml

  redis.stop();
  repo.git("rm -q tenants/lagoon/dids/roma.yaml");
  repo.replace("tenants/acme/carriers/orange.yaml", "203.0.113.10", "203.0.113.99");
  std::string second = repo.commit("delete roma, move an orange address");
  loop->trigger();
  // The database apply stands without Redis.
  REQUIRE(eventually([&] { return live_commit(db) == second; }, 30s));
  REQUIRE(eventually([&] { return loop->stats().projection_failures >= 1; }, 5s));
  CHECK_FALSE(loop->stats().projection_current);

  redis.start();  // empty
  REQUIRE(eventually([&] { return loop->stats().projection_current; }, 10s));

  // A fresh projection of the same revision, into another database of the same server.
  auto source = repo.source("fresh");
  REQUIRE(source->fetch().is_ok());
  auto revision = source->load();
  REQUIRE(revision.is_ok());
  PassOptions dry;
  dry.dry_run = true;
  auto outcome = reconcile_revision(db.conn(), *revision, *schemas(), dry);
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
  auto fresh_client = RedisClient::connect(redis.url(1));
  REQUIRE(fresh_client.is_ok());
  REQUIRE(project_to_redis(**fresh_client, projection_input(outcome)).is_ok());

  auto converged = c4_keys(redis.url(0));
  auto fresh = c4_keys(redis.url(1));
  CHECK(converged.size() == fresh.size());
  CHECK(converged == fresh);
  CHECK(converged.count("c4:did:+390650268101") == 0);
  CHECK(converged.count("c4:src:203.0.113.99") == 1);
  auto live = status_of(db);
  auto client = RedisClient::connect(redis.url(0));
  REQUIRE(client.is_ok());
  CHECK((*client)->command({"GET", "c4:revision"})->str == std::to_string(*live.live_revision_id) + ":" + second);
}

}  // namespace c4
