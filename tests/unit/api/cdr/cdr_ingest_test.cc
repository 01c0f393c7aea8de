// CDR ingest against a real PostgreSQL: the handler's answers, group commit, durability before
// the answer, failed commits, the bounded queue and shutdown.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "api/cdr/cdr_ingest.h"
#include "api/cdr/cdr_writer.h"
#include "cdr_test_database.h"
#include "test_wait.h"

using namespace c4;
using namespace c4::cdr;
using c4::cdr::testing::CdrTestDatabase;
using nlohmann::json;

namespace {

constexpr const char* kTenantA = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";
constexpr const char* kUnknownTenant = "99999999-3a41-4c55-9d2e-7b1a6c3f4e10";

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

api::ApiRequest ingest_request(const json& body) {
  api::ApiRequest r;
  r.method = "POST";
  r.path = "/1.0/kamailio/cdr";
  r.body = body.dump();
  r.scope = api::TenantScope::everything();
  return r;
}

json cdr_body(const std::string& call_id, const char* tenant = kTenantA) {
  return {{"event", "cdr"},           {"tenant_uuid", tenant}, {"call_id", call_id},
          {"call_start", now_us() / 1000000}, {"duration", 17},       {"from_uri", "sip:+33140000000@example.com"},
          {"to_uri", "sip:100@pbx.example.com"}};
}

CdrRecord record(const std::string& call_id) {
  CdrRecord r;
  r.tenant_uuid = kTenantA;
  r.call_id = call_id;
  r.call_start_us = now_us();
  r.duration = 5;
  return r;
}

std::unique_ptr<CdrWriter> start_writer(CdrTestDatabase& db, size_t max_queue = 20000) {
  CdrWriterOptions options;
  options.database_url = db.url();
  options.max_queue = max_queue;
  options.application_name = "c4test-writer-" + db.name();
  return CdrWriter::start(options);
}

using c4::test::eventually;

// Holds an EXCLUSIVE lock on cdrs from another session: the writer's COPY waits until release.
class TableLock {
 public:
  explicit TableLock(const std::string& url) : conn_(std::move(connect_database(url).value())), txn_(*conn_) {
    txn_.exec("LOCK TABLE cdrs IN EXCLUSIVE MODE");
  }
  void release() { txn_.commit(); }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  pqxx::work txn_;
};

// True when a session of the writer is waiting for a lock (its batch is in flight, blocked).
bool writer_blocked(CdrTestDatabase& db) {
  pqxx::read_transaction txn(db.conn());
  return txn.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 "
                          "AND wait_event_type = 'Lock'",
                          db.name(), "c4test-writer-" + db.name())[0]
             .as<int>() > 0;
}

}  // namespace

TEST_CASE("a CDR without source address is stored and answered with its record") {
  CdrTestDatabase db("c4test_cdr_no_source");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  json body = cdr_body("no-source@host");
  body["call_start"] = "2026-11-26T10:30:00.5+01:00";
  body["ipbx_id"] = "4";
  auto reply = cdr_ingest_reply(*writer, ingest_request(body));
  REQUIRE(reply.status == 200);
  json answer = json::parse(reply.body);
  CHECK(answer["success"] == true);
  const json& cdr = answer["cdr"];
  CHECK(cdr["id"].get<int64_t>() > 0);
  CHECK(cdr["source_ip"].is_null());
  CHECK(cdr["source_port"].is_null());
  CHECK(cdr["ipbx_id"] == 4);
  CHECK(cdr["call_start"] == "2026-11-26T09:30:00.500000+00:00");
  CHECK(cdr["tenant_uuid"] == kTenantA);
  pqxx::read_transaction txn(db.conn());
  auto row = txn.exec_params1(
      "SELECT call_id, source_ip IS NULL, call_start = '2026-11-26T09:30:00.5Z', from_user, to_user FROM cdrs "
      "WHERE id = $1",
      cdr["id"].get<int64_t>());
  CHECK(row[0].as<std::string>() == "no-source@host");
  CHECK(row[1].as<bool>());
  CHECK(row[2].as<bool>());
  CHECK(row[3].as<std::string>() == "+33140000000");
  CHECK(row[4].as<std::string>() == "100");
}

TEST_CASE("a CDR of an unknown tenant is answered success false and not stored") {
  CdrTestDatabase db("c4test_cdr_unknown_tenant");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  auto reply = cdr_ingest_reply(*writer, ingest_request(cdr_body("unknown@host", kUnknownTenant)));
  CHECK(reply.status == 200);
  CHECK(json::parse(reply.body) == json{{"success", false}, {"cdr", nullptr}});
  CHECK(db.count() == 0);
}

TEST_CASE("a tenant added after start is known without a restart") {
  CdrTestDatabase db("c4test_cdr_new_tenant");
  CdrWriterOptions options;
  options.database_url = db.url();
  options.tenant_refresh_interval = std::chrono::milliseconds(0);
  auto writer = CdrWriter::start(options);
  CHECK(json::parse(cdr_ingest_reply(*writer, ingest_request(cdr_body("early@host"))).body)["success"] == false);
  db.add_tenant("acme", kTenantA);
  CHECK(json::parse(cdr_ingest_reply(*writer, ingest_request(cdr_body("late@host"))).body)["success"] == true);
}

TEST_CASE("ingest answers 503 while the database cannot be reached") {
  CdrWriterOptions options;
  options.database_url = "postgresql://c4confd@127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/c4confd";
  auto writer = CdrWriter::start(options);
  auto reply = cdr_ingest_reply(*writer, ingest_request(cdr_body("down@host")));
  CHECK(reply.status == 503);
  CHECK(json::parse(reply.body)["error"]["code"] == "unavailable");
  CHECK(json::parse(reply.body)["error"]["details"]["service"] == "database");
  auto direct = writer->write(record("down-direct@host"));
  CHECK(direct.status().code() == Status::Code::unavailable);
  CHECK(writer->stats().batches_failed == 1);
  writer->stop();
}

TEST_CASE("a malformed CDR is answered 400 naming the field and nothing is stored") {
  CdrTestDatabase db("c4test_cdr_bad_field");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  json body = cdr_body("bad@host");
  body["duration"] = "long";
  auto reply = cdr_ingest_reply(*writer, ingest_request(body));
  CHECK(reply.status == 400);
  json error = json::parse(reply.body)["error"];
  CHECK(error["code"] == "invalid_input");
  CHECK(error["details"]["field"] == "duration");
  CHECK(error["details"]["in"] == "body");
  CHECK(error["message"].get<std::string>().find("duration") == 0);
  CHECK(db.count() == 0);
}

TEST_CASE("a caller scoped to another tenant may not ingest CDRs of this one") {
  CdrTestDatabase db("c4test_cdr_ingest_scope");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  auto request = ingest_request(cdr_body("scoped@host"));
  request.scope = api::TenantScope{false, {kUnknownTenant}};
  CHECK(cdr_ingest_reply(*writer, request).status == 403);
  CHECK(db.count() == 0);
}

TEST_CASE("200 concurrent ingests from 32 threads all succeed and share commits") {
  CdrTestDatabase db("c4test_cdr_group_commit");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  constexpr int kThreads = 32, kRequests = 200;
  std::atomic<int> next{0}, successes{0};
  std::mutex ids_mutex;
  std::set<int64_t> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = next++; i < kRequests; i = next++) {
        auto reply = cdr_ingest_reply(*writer, ingest_request(cdr_body("group-" + std::to_string(i) + "@host")));
        if (reply.status != 200) continue;
        json answer = json::parse(reply.body);
        if (answer["success"] != true) continue;
        ++successes;
        std::lock_guard lock(ids_mutex);
        ids.insert(answer["cdr"]["id"].get<int64_t>());
      }
    });
  for (auto& t : threads) t.join();
  CHECK(successes == kRequests);
  CHECK(ids.size() == kRequests);
  CHECK(db.count() == kRequests);
  CHECK(db.count("call_id LIKE 'group-%'") == kRequests);
  CdrWriterStats stats = writer->stats();
  CHECK(stats.rows_committed == kRequests);
  CHECK(stats.batches_failed == 0);
  MESSAGE("200 CDRs in " << stats.batches_committed << " commits");
  CHECK(stats.batches_committed < kRequests);
}

TEST_CASE("a CDR is readable from the database when its writer answers") {
  CdrTestDatabase db("c4test_cdr_durable");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  std::atomic<int> missing{0}, found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto reader = std::move(connect_database(db.url()).value());
      for (int i = 0; i < 8; ++i) {
        auto stored = writer->write(record("durable-" + std::to_string(t) + "-" + std::to_string(i)));
        if (!stored) {
          ++missing;
          continue;
        }
        pqxx::read_transaction txn(*reader);
        bool present = txn.exec_params1("SELECT count(*) FROM cdrs WHERE id = $1", stored->id)[0].as<int>() == 1;
        ++(present ? found : missing);
      }
    });
  for (auto& t : threads) t.join();
  CHECK(missing == 0);
  CHECK(found == 64);
}

TEST_CASE("a connection killed under the writer answers 503 and the next CDR reconnects") {
  CdrTestDatabase db("c4test_cdr_killed");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  REQUIRE(writer->write(record("before@host")));
  {
    pqxx::nontransaction txn(db.conn());
    auto killed = txn.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = $1 AND application_name = $2",
                                  db.name(), "c4test-writer-" + db.name());
    REQUIRE(killed.size() == 1);
  }
  REQUIRE(eventually([&] {
    pqxx::read_transaction txn(db.conn());
    return txn.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
                            db.name(), "c4test-writer-" + db.name())[0]
               .as<int>() == 0;
  }));
  auto reply = cdr_ingest_reply(*writer, ingest_request(cdr_body("after-kill@host")));
  CHECK(reply.status == 503);
  CHECK(json::parse(reply.body)["error"]["code"] == "unavailable");
  CHECK(db.count("call_id = 'after-kill@host'") == 0);
  CHECK(writer->stats().batches_failed == 1);

  auto again = cdr_ingest_reply(*writer, ingest_request(cdr_body("reconnected@host")));
  CHECK(again.status == 200);
  CHECK(db.count("call_id = 'reconnected@host'") == 1);
}

// Issue 12: one record can never fail another. (Before, the whole batch answered 503.)
TEST_CASE("a batch whose commit fails for one record stores the others and refuses that one alone") {
  CdrTestDatabase db("c4test_cdr_commit_fails");
  db.add_tenant("acme", kTenantA);
  {
    // Checked at COMMIT: the batch holding call_id 'poison' fails when it commits.
    pqxx::work txn(db.conn());
    txn.exec("CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
             "IF NEW.call_id = 'poison' THEN RAISE EXCEPTION 'poisoned CDR'; END IF; RETURN NULL; END $$");
    txn.exec("CREATE CONSTRAINT TRIGGER poison AFTER INSERT ON cdrs DEFERRABLE INITIALLY DEFERRED "
             "FOR EACH ROW EXECUTE FUNCTION reject_poison()");
    txn.commit();
  }
  auto writer = start_writer(db);
  TableLock lock(db.url());
  // Batch 1: one CDR, blocked by the lock while the next ten queue up behind it.
  std::vector<std::thread> threads;
  std::vector<int> statuses(11, 0);
  threads.emplace_back([&] { statuses[0] = cdr_ingest_reply(*writer, ingest_request(cdr_body("first@host"))).status; });
  REQUIRE(eventually([&] { return writer_blocked(db); }));
  for (int i = 1; i <= 10; ++i)
    threads.emplace_back([&, i] {
      std::string call_id = i == 5 ? "poison" : "batch2-" + std::to_string(i);
      statuses[i] = cdr_ingest_reply(*writer, ingest_request(cdr_body(call_id))).status;
    });
  REQUIRE(eventually([&] { return writer->stats().queue_depth == 10; }));
  lock.release();
  for (auto& t : threads) t.join();
  CHECK(statuses[0] == 200);
  for (int i = 1; i <= 10; ++i) CHECK(statuses[i] == (i == 5 ? 422 : 200));
  CHECK(db.count() == 10);
  CHECK(db.count("call_id = 'poison'") == 0);
  CHECK(writer->stats().batches_failed == 1);
  CHECK(writer->stats().rows_refused == 1);
  CHECK(writer->stats().rows_committed == 10);
  CHECK(writer->stats().rows_failed == 0);
}

TEST_CASE("a full queue answers 503 at once") {
  CdrTestDatabase db("c4test_cdr_queue_full");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db, /*max_queue=*/2);
  TableLock lock(db.url());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  threads.emplace_back([&] { ok += writer->write(record("in-flight")).is_ok(); });
  REQUIRE(eventually([&] { return writer_blocked(db); }));
  for (int i = 0; i < 2; ++i) threads.emplace_back([&, i] { ok += writer->write(record("queued-" + std::to_string(i))).is_ok(); });
  REQUIRE(eventually([&] { return writer->stats().queue_depth == 2; }));
  auto refused = writer->write(record("refused"));
  CHECK_FALSE(refused.is_ok());
  CHECK(refused.status().code() == Status::Code::unavailable);
  CHECK(writer->stats().rejected_queue_full == 1);
  CHECK(writer->metrics_text().find("c4confd_cdr_queue_depth 2\n") != std::string::npos);
  lock.release();
  for (auto& t : threads) t.join();
  CHECK(ok == 3);
  CHECK(db.count() == 3);
}

TEST_CASE("stopping the writer stores every queued CDR and refuses new ones") {
  CdrTestDatabase db("c4test_cdr_drain");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  TableLock lock(db.url());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  threads.emplace_back([&] { ok += writer->write(record("in-flight")).is_ok(); });
  REQUIRE(eventually([&] { return writer_blocked(db); }));
  for (int i = 0; i < 20; ++i) threads.emplace_back([&, i] { ok += writer->write(record("q-" + std::to_string(i))).is_ok(); });
  REQUIRE(eventually([&] { return writer->stats().queue_depth == 20; }));
  std::thread stopper([&] { writer->stop(); });
  REQUIRE(eventually([&] { return !writer->accepting(); }));
  auto late = writer->write(record("late"));
  CHECK(late.status().code() == Status::Code::unavailable);
  lock.release();
  stopper.join();
  for (auto& t : threads) t.join();
  CHECK(ok == 21);
  CHECK(db.count() == 21);
  CHECK(db.count("call_id = 'late'") == 0);
}

TEST_CASE("writer metrics are Prometheus text with counters and the commit histogram") {
  CdrTestDatabase db("c4test_cdr_metrics");
  db.add_tenant("acme", kTenantA);
  auto writer = start_writer(db);
  REQUIRE(writer->write(record("m1")));
  REQUIRE(writer->write(record("m2")));
  std::string text = writer->metrics_text();
  CHECK(text.find("# TYPE c4confd_cdr_queue_depth gauge\nc4confd_cdr_queue_depth 0\n") != std::string::npos);
  CHECK(text.find("c4confd_cdr_batches_total{result=\"committed\"} 2\n") != std::string::npos);
  CHECK(text.find("c4confd_cdr_rows_total{result=\"committed\"} 2\n") != std::string::npos);
  CHECK(text.find("c4confd_cdr_commit_seconds_bucket{le=\"+Inf\"} 2\n") != std::string::npos);
  CHECK(text.find("c4confd_cdr_commit_seconds_count 2\n") != std::string::npos);
}
