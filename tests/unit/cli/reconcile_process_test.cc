// The c4confd binary (C4_BINARY) under signals: kill -9 in the middle of `c4confd apply` of a
// 200,000-number revision never leaves the database between two revisions, and SIGTERM ends
// `c4confd reconcile` cleanly (exit 0), after the apply in progress has finished.
#include <sys/wait.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/revision_log.h"
#include "test_database.h"
#include "test_git_repo.h"
#include "test_process.h"
#include "test_slowdown.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::ChildProcess;
using test::TestDatabase;
using test::eventually;
using test::scaled;

// What a revision leaves in the database, read in one statement (one snapshot): the live
// commit and a digest of every DID number and range with the tenant and DID that own it (by
// name: a DID deleted and created again has a new id).
struct DidState {
  std::string live_commit;
  std::string numbers;  // count and md5 of did_numbers
  std::string ranges;   // count and md5 of did_ranges
  bool operator==(const DidState&) const = default;
};

std::ostream& operator<<(std::ostream& out, const DidState& s) {
  return out << "{live " << s.live_commit << ", numbers " << s.numbers << ", ranges " << s.ranges << "}";
}

DidState did_state(TestDatabase& db) {
  pqxx::read_transaction txn(db.conn());
  auto row = txn.exec1(
      "SELECT (SELECT coalesce(live_commit_id, '') FROM reconciler_status),"
      " (SELECT count(*) || ':' || coalesce(md5(string_agg(x.number || '>' || t.name || '/' || d.name, ','"
      "   ORDER BY x.number)), '') FROM did_numbers x JOIN dids d ON d.id = x.did_id JOIN tenants t ON t.id = d.tenant_id),"
      " (SELECT count(*) || ':' || coalesce(md5(string_agg(x.first_number || '..' || x.last_number || '>' || t.name ||"
      "   '/' || d.name, ',' ORDER BY x.first_number)), '') FROM did_ranges x JOIN dids d ON d.id = x.did_id"
      "   JOIN tenants t ON t.id = d.tenant_id)");
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()};
}

constexpr const char* kApplyName = "c4test-kill-apply";

// The database URL under which the processes of these tests connect, so their transactions can
// be found in pg_stat_activity.
std::string named_url(const TestDatabase& db) { return db.url() + "?application_name=" + kApplyName; }

std::vector<std::string> apply_argv(const fs::path& dir, const TestDatabase& db) {
  return {C4_BINARY, "apply", dir.string(), "--database-url", named_url(db)};
}

// True once the apply's connection has been in one transaction for 50 ms: the migrations'
// short transactions are over and the revision's transaction has begun.
bool in_apply_transaction(TestDatabase& db) {
  pqxx::read_transaction txn(db.conn());  // a new transaction: fresh pg_stat_activity
  return txn.exec1("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + std::string(kApplyName) +
                   "' AND datname = current_database() AND xact_start < clock_timestamp() - interval '50 milliseconds'")[0]
             .as<int>() > 0;
}

struct ApplyRun {
  bool killed = false;       // SIGKILL reached it while it ran
  double transaction_s = 0;  // from its transaction being seen to its exit (or kill)
};

// Runs `c4confd apply` of `dir`; when `kill_after` is set, kills it with SIGKILL that long after
// its transaction is seen running. Otherwise it must exit 0.
ApplyRun run_apply(const fs::path& dir, TestDatabase& db, const fs::path& log,
                   std::optional<std::chrono::duration<double>> kill_after) {
  ChildProcess apply(apply_argv(dir, db), log);
  eventually([&] { return !apply.running() || in_apply_transaction(db); }, scaled(120s));
  auto seen = std::chrono::steady_clock::now();
  ApplyRun run;
  if (kill_after) {
    std::this_thread::sleep_for(*kill_after);
    run.killed = apply.send(SIGKILL);
  }
  auto status = apply.wait_for(scaled(120s));
  REQUIRE(status);
  run.transaction_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - seen).count();
  if (run.killed) run.killed = WIFSIGNALED(*status);  // else it exited just before the signal
  if (!kill_after) REQUIRE_MESSAGE((WIFEXITED(*status) && WEXITSTATUS(*status) == 0), "c4confd apply failed: see " << log);
  return run;
}

void generate(const fs::path& out, int seed) {
  test::shell("/usr/bin/python3 '" C4_SOURCE_DIR "/bench/gen_repo.py' --out '" + out.string() +
              "' --dids 200000 --files 50 --tenants 5 --routing-prefixes 500 --prefixes-per-rule 50 --seed " +
              std::to_string(seed) + " >/dev/null");
}

}  // namespace

TEST_CASE("kill -9 of c4confd apply of 200k numbers leaves the old or the new revision and never a mix") {
  TestDatabase db("c4test_kill_apply");
  test::TempDir tmp;
  fs::path old_dir = tmp.path() / "old", new_dir = tmp.path() / "new", log = tmp.path() / "apply.log";
  // Two seeds: every number differs, so the new revision deletes and inserts 200,000 numbers.
  generate(old_dir, 1);
  generate(new_dir, 2);

  double old_seconds = run_apply(old_dir, db, log, std::nullopt).transaction_s;
  DidState old_state = did_state(db);
  double new_seconds = run_apply(new_dir, db, log, std::nullopt).transaction_s;
  DidState new_state = did_state(db);
  REQUIRE(old_state.live_commit != new_state.live_commit);
  REQUIRE(old_state.numbers != new_state.numbers);
  REQUIRE(old_state.ranges != new_state.ranges);
  MESSAGE("transaction to exit: " << old_seconds << " s creating 200k numbers, " << new_seconds
                                  << " s replacing them all");

  unsigned seed = std::random_device{}();
  INFO("random seed " << seed);
  std::mt19937 random(seed);
  bool at_new = true;
  int kills = 0, completed = 0, stayed = 0, reached_target = 0;
  for (int attempt = 0; attempt < 12 && kills < 5; ++attempt) {
    // Random moments inside the transaction (as long as the unkilled runs' were).
    double span = at_new ? old_seconds : new_seconds;
    std::chrono::duration<double> delay(std::uniform_real_distribution<double>(0.0, 0.9)(random) * span);
    ApplyRun run = run_apply(at_new ? old_dir : new_dir, db, log, delay);
    ++(run.killed ? kills : completed);
    DidState now = did_state(db);
    INFO("attempt " << attempt << " killed " << delay.count() << " s into its transaction");
    CHECK_MESSAGE((now == old_state || now == new_state), "between revisions: " << now);
    bool moved = (now == new_state) != at_new;
    at_new = now == new_state;
    ++(moved ? reached_target : stayed);
  }
  MESSAGE(kills << " applies killed, " << completed << " completed; the database stayed at the revision it had "
                << stayed << " times and reached the target " << reached_target << " times");
  CHECK(kills >= 5);
}

TEST_CASE("SIGTERM to c4confd reconcile ends it with exit status 0") {
  TestDatabase db("c4test_sigterm");
  test::ManifestRepo repo;
  int port = test::free_loopback_port();
  fs::path log = repo.scratch("reconcile.log");
  ChildProcess reconcile({C4_BINARY, "reconcile", "--repo", repo.url(), "--cache-dir", repo.scratch("cache").string(),
                          "--database-url", db.url(), "--listen", "127.0.0.1:" + std::to_string(port), "--interval",
                          "500ms", "--threads", "1"},
                         log);
  auto live_commit = [&] {
    pqxx::read_transaction txn(db.conn());
    return read_status(txn).value().live_commit_id;
  };
  REQUIRE_MESSAGE(eventually([&] { return live_commit() == repo.head(); }, scaled(30s)), "see " << log.string());

  httplib::Client client("127.0.0.1", port);
  auto status = client.Get("/status");
  REQUIRE(status);
  CHECK(status->status == 204);
  // The commit is visible a moment before the pass is counted.
  std::string metrics;
  CHECK(eventually(
      [&] {
        auto res = client.Get("/metrics");
        metrics = res && res->status == 200 ? res->body : "";
        return metrics.find("c4confd_reconcile_passes_total{result=\"applied\"} 1\n") != std::string::npos;
      },
      5s));
  CHECK(metrics.find("c4confd_reconcile_is_leader 1\n") != std::string::npos);
  auto hook = client.Post("/hooks/git", "{}", "application/json");
  REQUIRE(hook);
  CHECK(hook->status == 403);  // no secret configured: every hook is refused
  // A form-encoded body reaches the hook like JSON does (and is refused for the same reason).
  auto form = client.Post("/hooks/git", std::string(20000, 'x'), "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 403);
  // What the server refuses by itself (a body over twice the hook's 1 MiB limit) still
  // answers in the API's error shape.
  auto huge = client.Post("/hooks/git", std::string((2 << 20) + 1, 'x'), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
  CHECK(nlohmann::json::parse(huge->body)["error"]["code"] == "body_too_large");
  auto unknown = client.Get("/nope");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(nlohmann::json::parse(unknown->body)["error"]["code"] == "not_found");

  REQUIRE(reconcile.send(SIGTERM));
  auto exit = reconcile.wait_for(scaled(30s));
  REQUIRE_MESSAGE(exit, "c4confd reconcile did not stop after SIGTERM");
  CHECK(WIFEXITED(*exit));
  CHECK(WEXITSTATUS(*exit) == 0);
  std::string text = test::shell("cat '" + log.string() + "'");
  CHECK(text.find("\"event\":\"reconcile.stopped\"") != std::string::npos);
}

TEST_CASE("SIGTERM during the first apply of 200k numbers lets it finish and exits 0") {
  TestDatabase db("c4test_sigterm_apply");
  test::TempDir tmp;
  fs::path dir = tmp.path() / "repo", log = tmp.path() / "reconcile.log";
  generate(dir, 1);
  ChildProcess reconcile({C4_BINARY, "reconcile", dir.string(), "--database-url", named_url(db), "--redis-url", "",
                          "--listen", "127.0.0.1:0", "--interval", "1h"},
                         log);
  REQUIRE_MESSAGE(eventually([&] { return in_apply_transaction(db); }, scaled(60s)), "see " << log.string());
  REQUIRE(reconcile.send(SIGTERM));
  auto exit = reconcile.wait_for(scaled(60s));
  REQUIRE_MESSAGE(exit, "c4confd reconcile did not stop after SIGTERM");
  CHECK(WIFEXITED(*exit));
  CHECK(WEXITSTATUS(*exit) == 0);
  // The signal came during the pass, and the pass ran to its end: the whole revision is live.
  std::string text = test::shell("cat '" + log.string() + "'");
  auto signalled = text.find("\"event\":\"reconcile.signal\""), applied = text.find("\"event\":\"reconcile.applied\"");
  REQUIRE(signalled != std::string::npos);
  REQUIRE(applied != std::string::npos);
  CHECK(signalled < applied);
  DidState state = did_state(db);
  CHECK(state.live_commit.rfind("dir:", 0) == 0);
  auto summary = nlohmann::json::parse(test::shell("cat '" + (dir / ".bench-gen.json").string() + "'"));
  CHECK(state.numbers.substr(0, state.numbers.find(':')) == std::to_string(summary["numbers_listed"].get<int>()));
}

}  // namespace c4
